import { createRoot } from 'react-dom/client'
import { App } from './App'
import { takeFromUrl } from './config'
import './styles.css'

// A link's token leaves the address bar before anything else runs: not in history, never sent on.
const returnTo = new URL(location.href).searchParams.get('return_to')
takeFromUrl()
createRoot(document.getElementById('root')!).render(<App returnTo={returnTo} />)
