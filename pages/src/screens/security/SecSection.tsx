import type { ReactNode } from 'react'

/** One section of the security settings: a labelled region with its heading, linked from the top. */
export const SecSection = ({ id, title, children }: { id: string; title: string; children: ReactNode }) => (
  <section className="sec-section" id={id} aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`} tabIndex={-1}>
      {title}
    </h2>
    {children}
  </section>
)

/** Moves focus to a section's heading (after the thing focused was removed by an action). */
export const focusHeading = (id: string) =>
  requestAnimationFrame(() => document.getElementById(`${id}-title`)?.focus())
