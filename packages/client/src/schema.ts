/*
 * Generated from Gatehouse's OpenAPI document (GET /openapi.json) by openapi-typescript.
 * Do not edit: change the route schemas and run `npm run api:types`.
 */
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers a read and a write, the data directory has room, and the instance is not draining; every check has a deadline */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/account-deletion/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a pending deletion with the mail's token: the account is restored
         * @description The token is one-time and dies when the deletion is due. 400 invalid_token alike for unknown, used and expired tokens. After it the account logs in again as before (its sessions stay ended).
         */
        post: operations["cancelAccountDeletion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register an account; a verification mail follows
         * @description Answers 202 for every well-formed request whose username is free. An address that already has an account gets the same answer, and its owner a notice mail instead of a second account.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/lock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * "This wasn't me": lock the account with the token from a password-change notice
         * @description Revokes every session and blocks login until account recovery completes.
         */
        post: operations["lockAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify the email address with the token from the mail */
        post: operations["verifyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/accounts/verify/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a new verification mail
         * @description Answers 202 {"status":"accepted"} for every well-formed address — unknown, already verified, pending or capped alike. Only an account whose address is not verified yet gets a mail, at its stored address, with a new token that replaces the older ones; at most 3 verification mails per account and hour. At most 5 requests per address an hour, whoever asks (429 rate_limited, alike for every address).
         */
        post: operations["resendVerification"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/access-review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every external principal (API keys, partner accounts, applications) with risk flags and a recommended action
         * @description `flag` (comma-separated: entries with every one), `kind`, `action` filter; `sort` (default risk, highest first) and `order`. `format=csv` or `Accept: text/csv` answers CSV (cells that a spreadsheet would run as formulas are prefixed with a quote).
         */
        get: operations["adminAccessReview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/access-review/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke external principals in bulk
         * @description A key stops working at once. A partner account has every session ended, its one-time tokens killed and its login locked until an administrator reinstates it (a password reset does not unlock it). The answer says per principal what was done; each change is audited as `access.revoke`.
         */
        post: operations["adminRevokePrincipals"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/access-review/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate API keys in bulk
         * @description Each key gets a successor with the same scopes and expiry policy, returned in this answer only; the old key stops after `overlap_seconds`. Partner accounts are `not_applicable`. Each rotation is audited as `access.rotate`.
         */
        post: operations["adminRotatePrincipalKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find an account by its username, email address or verified phone number
         * @description Exact match on the normalised form, as login reads it (a phone number in +E.164). Every lookup is audit-logged (account.lookup) with the kind of identifier and whether it matched, never the identifier.
         */
        get: operations["adminFindAccounts"];
        put?: never;
        /**
         * Create an account with a one-time password, shown once (audit-logged as account.create)
         * @description The password must be changed at the first login. The email address counts as verified unless email_verified is false; a phone number is unverified unless phone_verified. Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        post: operations["adminCreateAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One account: profile (contact data masked), live sessions, second factors, recent events */
        get: operations["adminGetAccount"];
        put?: never;
        post?: never;
        /**
         * Delete an account and what is held about it (audit-logged as account.delete)
         * @description Profile, sessions, second factors, passkeys, devices, security events and queued messages go; applications' grants end first. The audit log keeps naming the account by its id only, so its chain still verifies. 409 account_in_use while it owns clients of the admin API. Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        delete: operations["adminDeleteAccount"];
        options?: never;
        head?: never;
        /**
         * Change an account's username, email, phone, role or locale (audit-logged as account.update)
         * @description A new email address is unverified unless email_verified is true; a new phone number unless phone_verified. A change of role ends every session of the account and its applications' grants. Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        patch: operations["adminUpdateAccount"];
        trace?: never;
    };
    "/v1/admin/accounts/{id}/deletion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Schedule an account's deletion after the grace period, or delete it now (audit-logged as account.deletion_schedule or account.delete)
         * @description Scheduled: as DELETE /v1/me — the account is disabled, its sessions end, its address gets the cancel link; idempotent while one is pending. immediate: the account and its data go at once, by the same purge (409 account_in_use while it owns clients of the admin API). Staff cannot delete their own account. Staff act only on accounts whose role ranks at most as high as theirs (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        post: operations["adminScheduleAccountDeletion"];
        /**
         * Cancel an account's pending deletion (audit-logged as account.deletion_cancel)
         * @description The account is enabled again unless staff had disabled it. Staff act only on accounts whose role ranks at most as high as theirs (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        delete: operations["adminCancelAccountDeletion"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{id}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable an account: its sessions and grants end at once (audit-logged as account.disable)
         * @description Until it is enabled, a right password answers 403 password_reset_required exactly as under a required reset, a wrong one 401 invalid_credentials, and recovery sends nothing: a new password does not enable it. Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        post: operations["adminDisableAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{id}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Enable a disabled account again (audit-logged as account.enable)
         * @description Staff act only on accounts whose role ranks at most as high as theirs and give no role above their own (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        post: operations["adminEnableAccount"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An account's export, as GET /v1/me/export gives its holder (audit-logged as account.export)
         * @description Staff act only on accounts whose role ranks at most as high as theirs (admin > responder > auditor > partner > user; an API key ranks as a responder): 403 role_above_caller otherwise.
         */
        get: operations["adminExportAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/{id}/sessions/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every session of the account (audit-logged as account.sessions_revoke) */
        post: operations["adminRevokeAccountSessions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Account imports, newest first */
        get: operations["adminListAccountImports"];
        put?: never;
        /**
         * Import accounts from another system (audit-logged as account.import)
         * @description The file is the request body (text/csv, application/x-ndjson, application/jsonl or application/octet-stream), read as a stream. Map fields to columns (CSV header names) or keys (JSONL) with external_id, username, email, email_verified, phone, phone_verified, role, locale, created_at, password_hash, password_format, salt, totp_secret; username, email and password_hash are required, and password_format or hash_format names the hashes' format. Rows are checked like account creation (roles above the caller's are bad rows); bad rows are counted and the first 20 reported by line and reason only. Importing the same file again creates nothing new: a row whose external id (without one, whose email) has an account is counted as present. Imported accounts get no mail. Answers when the whole file is read; `GET /v1/admin/accounts/imports/{id}` shows progress meanwhile. See docs/migration.md.
         */
        post: operations["adminImportAccounts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/accounts/imports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One account import: its status and counts (progress while it runs) */
        get: operations["adminGetAccountImport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log of administrative actions, newest first
         * @description Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.
         */
        get: operations["adminListAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the hash chain of the audit log from its first entry to its head
         * @description Recomputes every hash: `ok` is false and `first_broken` names the first entry that was changed, removed or moved. With `expected_head` (a head hash kept elsewhere), that hash must still be in the chain: entries cut off the end show that way.
         */
        get: operations["adminVerifyAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Campaigns, newest first */
        get: operations["adminListCampaigns"];
        put?: never;
        /**
         * Start a campaign (or, with dry_run, count what it would do)
         * @description An action over a selection of accounts, handled in batches by background workers. See docs/campaigns.md.
         */
        post: operations["adminStartCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/campaigns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign and its progress */
        get: operations["adminGetCampaign"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/campaigns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a campaign
         * @description Targets not handled yet stay unhandled; a batch in progress finishes.
         */
        post: operations["adminCancelCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/campaigns/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a campaign
         * @description Workers take no new batch until it is resumed; a batch in progress finishes.
         */
        post: operations["adminPauseCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/campaigns/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a campaign
         * @description Workers take its batches again.
         */
        post: operations["adminResumeCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every client */
        get: operations["adminListClients"];
        put?: never;
        /** Register a client: a third-party app or partner that will hold admin API keys */
        post: operations["adminCreateClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A client and every key it has had */
        get: operations["adminGetClient"];
        put?: never;
        post?: never;
        /** Delete a client: it is disabled for good and every key it holds is revoked */
        delete: operations["adminDeleteClient"];
        options?: never;
        head?: never;
        /**
         * Rename a client, change its owner, or disable and enable it
         * @description While disabled, every key of the client is refused (401); enabling it brings them back.
         */
        patch: operations["adminUpdateClient"];
        trace?: never;
    };
    "/v1/admin/clients/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A client's keys (never the keys themselves) */
        get: operations["adminListClientKeys"];
        put?: never;
        /**
         * Issue an admin API key to a client
         * @description The key (`ghk_<prefix>_<secret>`) is in this answer only; Gatehouse keeps its SHA-256. Scopes are those of docs/admin.md, or `*` alone for every scope; the caller can grant only scopes it holds.
         */
        post: operations["adminIssueClientKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/clients/{id}/keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key: it is refused */
        delete: operations["adminRevokeClientKey"];
        options?: never;
        head?: never;
        /** Change a key's expiry (counted from now) */
        patch: operations["adminUpdateClientKey"];
        trace?: never;
    };
    "/v1/admin/clients/{id}/keys/{key_id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace a key by a successor with the same scopes and expiry policy
         * @description The old key stops after `overlap_seconds` (default 0: at once; at most 7 days), so that the client can switch without a gap. The caller must hold every scope of the key.
         */
        post: operations["adminRotateClientKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/detections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the guard's detectors found, newest first (administrators with a second factor)
         * @description Filters: status (open, resolved, lifted), kind. Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.
         */
        get: operations["adminListDetections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/detections/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One detection */
        get: operations["adminGetDetection"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/detections/{id}/lift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Lift an open detection's block or challenge now
         * @description The source (or identifier, or the global spike) is no longer challenged or blocked, and its detector leaves it alone for one window. The detection is closed as lifted.
         */
        post: operations["adminLiftDetection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/detections/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark an open detection resolved
         * @description A challenge or block it put in place runs until it expires, unless `lift` is true. 409-free: resolving a closed detection is 404 not_found.
         */
        post: operations["adminResolveDetection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security events of every account, newest first (administrators with a second factor)
         * @description Filters: type, account_id, ip, since and until (ISO 8601 times). Pages of `limit` (1–500, default 100); pass `next_before` back as `before`.
         */
        get: operations["adminListEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Incidents, newest first
         * @description Pages of `limit` (1–200, default 50); pass `next_before` back as `before`.
         */
        get: operations["adminListIncidents"];
        put?: never;
        /** Open an incident */
        post: operations["adminOpenIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One incident, with its imports */
        get: operations["adminGetIncident"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change an incident's title, summary, severity, risks or mitigations */
        patch: operations["adminUpdateIncident"];
        trace?: never;
    };
    "/v1/admin/incidents/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close an incident
         * @description A closed incident takes no more imports. Closing a closed incident changes nothing.
         */
        post: operations["adminCloseIncident"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}/exposures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The accounts the incident exposed, and which of their fields
         * @description By account id; pages of `limit` (1–1000, default 100); pass `next_after` back as `after`. No contact data: the account id and username only.
         */
        get: operations["adminListExposures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a leaked data set into the incident and match it to accounts
         * @description The file is the request body (text/csv, application/x-ndjson, application/jsonl or application/octet-stream), read as a stream. Map columns (CSV header names) or keys (JSONL) with `username`, `email`, `phone` and `location`; at least one of the first three. Answers when the whole file is read, with the counts; `GET …/imports/{importId}` shows progress meanwhile. See docs/incidents.md.
         */
        post: operations["adminImportExposures"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}/imports/{importId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One import and its counts (updated after every batch while it runs) */
        get: operations["adminGetExposureImport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}/report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The incident report: a security brief in Markdown or JSON
         * @description Fast facts (accounts exposed, fields, sessions revoked, resets forced, messages sent), what happened, risks, imports, actions taken with times from the audit chain, mitigations in place, open items and the audit chain head. `format=markdown` (default) answers `text/markdown` as a download; `format=json` the same content as JSON. Each export is audited.
         */
        get: operations["adminGetIncidentReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/incidents/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The incident's timeline, oldest first
         * @description Assembled from the audit log (entries about the incident) and its imports (start, end with counts), and from campaigns once they exist.
         */
        get: operations["adminGetIncidentTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/oidc/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every application, oldest first */
        get: operations["adminListApplications"];
        put?: never;
        /**
         * Register an application that signs users in through Gatehouse
         * @description A confidential application gets its `client_secret` in this answer only; a public one (`public: true`) has none.
         */
        post: operations["adminCreateApplication"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/oidc/clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An application */
        get: operations["adminGetApplication"];
        put?: never;
        post?: never;
        /** Delete an application: every grant and token it holds ends first */
        delete: operations["adminDeleteApplication"];
        options?: never;
        head?: never;
        /**
         * Change an application's settings, or disable and enable it
         * @description The settings must hold together after the change. Disabling ends every grant and token the application holds and tells it by back-channel logout.
         */
        patch: operations["adminUpdateApplication"];
        trace?: never;
    };
    "/v1/admin/oidc/clients/{id}/revoke-grants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End every grant of one application, for every account (audit-logged) */
        post: operations["adminRevokeApplicationGrants"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/oidc/clients/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate an application's secret: the new one is in this answer only, the old one stops at once */
        post: operations["adminRotateApplicationSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/outbox/dead": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dead-lettered messages, newest first */
        get: operations["adminListDeadMessages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/outbox/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send dead-lettered messages again (each gets one more try now; a code or link that expired meanwhile is closed as expired instead) */
        post: operations["adminRetryDeadMessages"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/partners/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Link a partner account to a client (or unlink it with null) */
        patch: operations["adminLinkPartner"];
        trace?: never;
    };
    "/v1/admin/partners/{account_id}/reinstate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reinstate a partner account whose access was revoked: its login opens again */
        post: operations["adminReinstatePartner"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Figures for the console overview: a series per bucket over the last hour or day
         * @description hour: 12 buckets of 5 minutes; day: 24 buckets of 1 hour, the last one holding now. recovery_requests counts every request (known identifier or not); recovery_sent the recovery messages that left; recovery_suppressed the requests and messages the caps, the resend interval or a reset lock stopped. challenges and blocks count detections opened or raised to that response. imported_password_hashes: accounts still holding an imported password hash, by scheme (docs/migration.md), and their total; each is replaced by argon2id at its next login.
         */
        get: operations["adminGetStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The webhook endpoints (without their secrets) */
        get: operations["adminListWebhooks"];
        put?: never;
        /**
         * Add a webhook endpoint that receives signed security events
         * @description The events of the chosen types are POSTed to `url` (http or https), signed with `secret` — shown in this answer only. See docs/webhooks.md.
         */
        post: operations["adminCreateWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Nothing more is sent to it, including messages already queued.
         */
        delete: operations["adminDeleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The webhook's delivery log, newest first
         * @description Every try: its HTTP status or error, and how long it took. Kept 30 days.
         */
        get: operations["adminListWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in account as stored: its addresses, whether they are verified, the reset lock, the language
         * @description Only ever the caller's own account (the session's); never cached. What the security settings show.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        /**
         * Delete the signed-in account after a grace period; a cancel link is mailed
         * @description Needs a proof of identity within the last 10 minutes (401 reauth_required; POST /v1/sessions/current/reauth). Every session ends at once and, until the deletion is due (GATEHOUSE_ACCOUNT_DELETION_GRACE_DAYS, default 7), the account answers logins and recovery exactly as a disabled account does. The mail to its address carries a one-time token (link to /cancel-deletion?token=…) that POST /v1/account-deletion/cancel takes until then. Then the account and its personal data are deleted; the audit log keeps only its opaque id. Idempotent: while a deletion is pending the same date comes back and nothing is sent again. 409 account_in_use while the account owns clients of the admin API.
         */
        delete: operations["deleteMyAccount"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the email address: a link goes to the new address, a notice to the old one
         * @description Needs a proof of identity within the last 10 minutes (401 reauth_required; POST /v1/sessions/current/reauth). The old address stays in use until the link is opened. Always the same 202 for a well-formed new address, also when another account has it (that address is told instead). At most 3 requests an hour (429).
         */
        post: operations["changeMyEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/email/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm a new email address with the token mailed to it
         * @description 400 invalid_token alike for unknown, used and expired tokens.
         */
        post: operations["verifyMyNewEmail"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The account's own security history, newest first
         * @description Logins (and failed ones), new devices, password changes and resets, blocked reset requests, factor changes … Pages of `limit` (1–100, default 50); pass `next_before` back as `before` for the next page.
         */
        get: operations["listMyEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download everything held about the signed-in account, as one JSON document
         * @description Needs a proof of identity within the last 10 minutes (401 reauth_required; POST /v1/sessions/current/reauth). Profile, second factors (kinds and dates, never secrets), passkeys, devices, sessions, security history, exposures in incidents, applications and a pending deletion. An attachment, never cached; recorded as the security event account_data_exported.
         */
        get: operations["exportMyAccount"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/locale": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Choose the language of the account's mails and texts
         * @description Stored on the account: from now on every mail and SMS to it is written in this language, whatever the browser's Accept-Language (which never changes it by itself). 400 for a language Gatehouse does not have.
         */
        put: operations["setMyLocale"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password; every other session is revoked */
        post: operations["changeMyPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/phone": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set the phone number; a verification code is texted to it
         * @description Needs the current password (401 invalid_credentials otherwise, and nothing changes). The number is stored unverified — a previously verified number stops identifying the account — and a 6-digit code, valid for 10 minutes, is sent to it by SMS. At most 5 codes per account and hour (429 rate_limited with Retry-After). The verified email address of the account is told.
         */
        post: operations["setMyPhone"];
        /**
         * Remove the phone number
         * @description Needs the current password (401 invalid_credentials otherwise). Answers 204, also when there was no number. The number no longer identifies the account for login or recovery; the verified email address of the account is told.
         */
        delete: operations["removeMyPhone"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/phone/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify the phone number with the code texted to it
         * @description 401 invalid_code alike for a wrong, used, expired or missing code; the 5th wrong code kills it. 409 phone_taken when the code is right but another account already has this number verified.
         */
        post: operations["verifyMyPhone"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/reset-lock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Require a second-factor code before any reset message is sent for this account */
        put: operations["setResetLock"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Second factors of the account and the number of unused recovery codes */
        get: operations["listFactors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Use one-time codes mailed to the verified address as a second factor
         * @description Needs a proof of identity within the last 10 minutes. At login, the challenge then offers this method: POST /v1/sessions/mfa/send sends a code (6 digits, 10 minutes, at most 3 an hour and 5 a day). Weaker than TOTP or a passkey (it proves a channel, not a device): it never satisfies the MFA policy of a staff account (admin, responder, auditor, partner), whose sessions stay enrolment-only and whose login challenge stops offering it once a TOTP factor or passkey exists. Account recovery does not accept it as the second factor. The first factor comes with recovery codes.
         */
        post: operations["enableEmailCodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/factors/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a second factor
         * @description Needs a proof of identity within the last 10 minutes. With the last factor go the recovery codes; an account whose role requires a second factor cannot remove its last one (409 second_factor_required; for a staff account, its last TOTP factor or passkey). The holder is told on every verified channel.
         */
        delete: operations["removeFactor"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replace the recovery codes; the old set stops working
         * @description Needs a proof of identity within the last 10 minutes (login or POST /v1/sessions/current/reauth) and a second factor on the account (409 second_factor_required otherwise).
         */
        post: operations["regenerateRecoveryCodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/sms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Use one-time codes texted to the verified phone number as a second factor
         * @description Needs a proof of identity within the last 10 minutes. At login, the challenge then offers this method: POST /v1/sessions/mfa/send sends a code (6 digits, 10 minutes, at most 3 an hour and 5 a day). Weaker than TOTP or a passkey (it proves a channel, not a device): it never satisfies the MFA policy of a staff account (admin, responder, auditor, partner), whose sessions stay enrolment-only and whose login challenge stops offering it once a TOTP factor or passkey exists. Account recovery does not accept it as the second factor. The first factor comes with recovery codes.
         */
        post: operations["enableSmsCodes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a TOTP enrolment (pending until confirmed)
         * @description RFC 6238: SHA-1, 6 digits, 30 s. A new enrolment replaces a pending one.
         */
        post: operations["startTotpEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm the TOTP enrolment with a current code; returns recovery codes, shown once */
        post: operations["confirmTotpEnrolment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/webauthn/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish registering a passkey; it is a second factor from now on
         * @description The authenticator’s answer to the options of /register/options. 400 webauthn_failed when it does not verify (used or expired challenge, wrong origin or relying party). The first factor of an account comes with 10 recovery codes, shown once; so does its first TOTP factor or passkey, whose new set replaces codes that backed only email or SMS codes.
         */
        post: operations["finishPasskeyRegistration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/mfa/webauthn/register/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start registering a passkey: options for navigator.credentials.create()
         * @description Needs a proof of identity within the last 10 minutes. The challenge is single-use and lives 5 minutes; the account’s passkeys are excluded.
         */
        post: operations["getPasskeyRegistrationOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/pages/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the account pages show: branding, languages, password rules, and whether a return_to is followed
         * @description `return_to` is answered back (resolved) only when it lies under one of GATEHOUSE_RETURN_URLS; otherwise `return_to` is null and the pages do not follow it. Never cached.
         */
        get: operations["getPagesConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/passwords/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Judge a new password by the service's own rules, as the pages type it
         * @description The rules of sign-up, password change and reset (length, characters, common and breached passwords, the username or address in it, strength), and the estimated strength (0–4). Nothing is stored or logged. `multi_factor` says the account holds a TOTP factor or a passkey (a shorter password may do under the rev. 4 profile). At most 120 checks a minute from one address (429 with Retry-After).
         */
        post: operations["checkPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recovery": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password-reset message
         * @description Answers 202 {"status":"accepted"} for every well-formed request — existing, missing, unverified, locked or capped account alike. Whether a message goes out, and where, is decided later and never shown. Accounts with the reset lock need `code` (a current second-factor code).
         */
        post: operations["requestRecovery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/recovery/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password with the token from a recovery message
         * @description 400 invalid_token alike for unknown, used, expired and wrong-purpose tokens. On an account with a second factor the reset channel does not prove — a TOTP factor or passkey; SMS codes and a reset by email; email codes and a reset by SMS — `code` (a TOTP code or a recovery code) is required (401 mfa_required otherwise, and nothing changes). Success revokes every session and notifies the owner on every verified channel.
         */
        post: operations["completeRecovery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account's live sessions */
        get: operations["listSessions"];
        put?: never;
        /** Log in with a username, email address or verified phone number */
        post: operations["createSession"];
        /** Revoke every session but the current one */
        delete: operations["revokeOtherSessions"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of your sessions */
        delete: operations["revokeSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/current": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The account and session of the presented token */
        get: operations["getCurrentSession"];
        put?: never;
        post?: never;
        /** Log out */
        delete: operations["deleteCurrentSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/current/reauth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Prove who you are again, before a sensitive change
         * @description With the password, a second-factor code (TOTP or recovery code) or a passkey (options from POST /v1/sessions/current/reauth/webauthn/options). Adding or removing a factor, new recovery codes and a new email address need this within the last 10 minutes (login counts). Wrong answers: 401 invalid_credentials or invalid_code (code_already_used for a right TOTP code whose step was used), counted per account.
         */
        post: operations["reauthenticate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/current/reauth/webauthn/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Passkey options for re-authentication
         * @description For navigator.credentials.get(); answer with POST /v1/sessions/current/reauth, method webauthn.
         */
        post: operations["getReauthPasskeyOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Complete a login with the second factor
         * @description 401 invalid_code alike for a wrong code, an unknown or expired challenge, or one out of guesses; 401 code_already_used for a right TOTP code whose time step was used already (wait for the next one).
         */
        post: operations["completeSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/mfa/send": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a one-time code by email or SMS for a login challenge
         * @description For a challenge whose methods include email or sms. 6 digits, valid 10 minutes, works once; a new send replaces the previous code. Always 202 for a live challenge (also when the account's send cap is reached: then nothing is sent). 401 invalid_code for an unknown, expired or used challenge.
         */
        post: operations["sendSecondFactorCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/mfa/webauthn/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Passkey options for the second factor of a login challenge
         * @description For navigator.credentials.get(); answer with POST /v1/sessions/mfa, method webauthn. 401 invalid_code alike for an unknown, expired, used or exhausted challenge and for an account without passkeys.
         */
        post: operations["getSecondFactorPasskeyOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/not-me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * "This wasn't me": the link of a new-sign-in notice
         * @description Ends every session of the account, blocks sign-in and sends a recovery link to the account's own address (within the recovery caps); with a second factor, recovery needs it. 400 invalid_token alike for unknown, used and expired links.
         */
        post: operations["reportNotMe"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/passkey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with a passkey, without a password
         * @description 401 invalid_credentials alike for every failure: unknown passkey, bad signature, used or expired challenge, wrong origin or relying party, locked account.
         */
        post: operations["createPasskeySession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/passkey/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a passwordless login with a passkey
         * @description Options for navigator.credentials.get() with a discoverable credential; the challenge lives 5 minutes.
         */
        post: operations["getPasskeySignInOptions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        checks: {
                            [key: string]: string;
                        };
                        /** @enum {string} */
                        status: "ready";
                    };
                };
            };
        };
    };
    cancelAccountDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "deletion_cancelled";
                    };
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /**
                     * @description The language of the account's mails and texts; without it, the first of Gatehouse's languages the request's Accept-Language names (else none is stored, and GATEHOUSE_DEFAULT_LOCALE applies)
                     * @enum {string}
                     */
                    locale?: "en" | "de";
                    password: string;
                    phone?: string;
                    username: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "verification_sent";
                    };
                };
            };
        };
    };
    lockAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "locked";
                    };
                };
            };
        };
    };
    verifyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "verified";
                    };
                };
            };
        };
    };
    resendVerification: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "accepted";
                    };
                };
            };
        };
    };
    adminAccessReview: {
        parameters: {
            query?: {
                action?: "revoke" | "rotate" | "set_expiry" | "enrol_factor" | "none";
                /** @description Comma-separated: unused_90d, wildcard_scope, admin_scope, no_second_factor, key_older_365d, never_expires, broad_scopes, no_owner, secret_older_365d, no_mfa_required */
                flag?: string;
                format?: "json" | "csv";
                kind?: "api_key" | "partner" | "oidc_client";
                order?: "asc" | "desc";
                sort?: "risk" | "name" | "kind" | "created_at" | "last_used_at";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        count: number;
                        generated_at: string;
                        principals: {
                            account_id: string | null;
                            client_id: string | null;
                            client_name: string | null;
                            created_at: string;
                            expires_at: string | null;
                            flags: ("unused_90d" | "wildcard_scope" | "admin_scope" | "no_second_factor" | "key_older_365d" | "never_expires" | "broad_scopes" | "no_owner" | "secret_older_365d" | "no_mfa_required")[];
                            key_prefix: string | null;
                            /** @enum {string} */
                            kind: "api_key" | "partner" | "oidc_client";
                            last_used_at: string | null;
                            last_used_ip: string | null;
                            name: string;
                            owner_account_id: string | null;
                            principal_id: string;
                            reason: string;
                            /** @enum {string} */
                            recommended_action: "revoke" | "rotate" | "set_expiry" | "enrol_factor" | "none";
                            scopes: string[];
                            /** @enum {string} */
                            status: "active" | "rotating" | "client_disabled" | "revoked";
                        }[];
                    };
                };
            };
        };
    };
    adminRevokePrincipals: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    principal_ids: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        results: {
                            detail?: string;
                            /** @description The successor key (`ghk_…`); shown in this answer only */
                            key?: string;
                            /** @enum {string} */
                            outcome: "revoked" | "rotated" | "not_found" | "already_revoked" | "not_applicable" | "scope_required";
                            previous_stops_at?: string;
                            principal_id: string;
                            sessions_ended?: number;
                            successor?: {
                                client_id: string;
                                created_at: string;
                                created_by: string;
                                description: string | null;
                                expires_at: string | null;
                                /** @description The expiry policy a rotation carries over; null: never */
                                expires_in_days: number | null;
                                id: string;
                                /** @description Written at most once a minute */
                                last_used_at: string | null;
                                last_used_ip: string | null;
                                /** @description The displayable part: the key starts `ghk_<prefix>_` */
                                prefix: string;
                                /** @description `api_key:<id>`, as the access review and the audit log name it */
                                principal_id: string;
                                replaced_by: string | null;
                                /** @description When it stops or stopped working (later than now during an overlap) */
                                revoked_at: string | null;
                                scopes: string[];
                                /** @enum {string} */
                                status: "active" | "rotating" | "revoked" | "expired";
                            };
                        }[];
                    };
                };
            };
        };
    };
    adminRotatePrincipalKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Seconds the old key keeps working beside its successor (0: it stops at once)
                     * @default 0
                     */
                    overlap_seconds?: number;
                    principal_ids: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        results: {
                            detail?: string;
                            /** @description The successor key (`ghk_…`); shown in this answer only */
                            key?: string;
                            /** @enum {string} */
                            outcome: "revoked" | "rotated" | "not_found" | "already_revoked" | "not_applicable" | "scope_required";
                            previous_stops_at?: string;
                            principal_id: string;
                            sessions_ended?: number;
                            successor?: {
                                client_id: string;
                                created_at: string;
                                created_by: string;
                                description: string | null;
                                expires_at: string | null;
                                /** @description The expiry policy a rotation carries over; null: never */
                                expires_in_days: number | null;
                                id: string;
                                /** @description Written at most once a minute */
                                last_used_at: string | null;
                                last_used_ip: string | null;
                                /** @description The displayable part: the key starts `ghk_<prefix>_` */
                                prefix: string;
                                /** @description `api_key:<id>`, as the access review and the audit log name it */
                                principal_id: string;
                                replaced_by: string | null;
                                /** @description When it stops or stopped working (later than now during an overlap) */
                                revoked_at: string | null;
                                scopes: string[];
                                /** @enum {string} */
                                status: "active" | "rotating" | "revoked" | "expired";
                            };
                        }[];
                    };
                };
            };
        };
    };
    adminFindAccounts: {
        parameters: {
            query: {
                q: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accounts: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        }[];
                        /** @enum {string} */
                        kind: "username" | "email" | "phone";
                    };
                };
            };
        };
    };
    adminCreateAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    /** @default true */
                    email_verified?: boolean;
                    locale?: ("en" | "de") | null;
                    /** @description +E.164; null removes it */
                    phone?: string | null;
                    phone_verified?: boolean;
                    /**
                     * @default user
                     * @enum {string}
                     */
                    role?: "user" | "admin" | "partner" | "responder" | "auditor";
                    username: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        };
                        password: string;
                    };
                };
            };
        };
    };
    adminGetAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        };
                        /** @description What the caller may do to this account (account administration) */
                        allowed_actions: {
                            delete: boolean;
                            disable: boolean;
                            edit: boolean;
                            enable: boolean;
                        };
                        events: {
                            details: {
                                [key: string]: unknown;
                            };
                            id: number;
                            ip: string | null;
                            time: string;
                            type: string;
                        }[];
                        factors: {
                            confirmed: boolean;
                            created_at: string;
                            id: string;
                            kind: string;
                        }[];
                        sessions: {
                            created_at: string;
                            device: string | null;
                            expires_at: string;
                            id: string;
                            ip: string | null;
                            last_seen_at: string;
                        }[];
                    };
                };
            };
        };
    };
    adminDeleteAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminUpdateAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email?: string;
                    email_verified?: boolean;
                    locale?: ("en" | "de") | null;
                    /** @description +E.164; null removes it */
                    phone?: string | null;
                    phone_verified?: boolean;
                    /** @enum {string} */
                    role?: "user" | "admin" | "partner" | "responder" | "auditor";
                    username?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        };
                    };
                };
            };
        };
    };
    adminScheduleAccountDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    immediate?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Null once deleted */
                        deletion_due_at: string | null;
                        /** @enum {string} */
                        status: "deletion_scheduled" | "deleted";
                    };
                };
            };
        };
    };
    adminCancelAccountDeletion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description False when no deletion was pending */
                        changed: boolean;
                    };
                };
            };
        };
    };
    adminDisableAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        };
                        /** @description False when the account was in that state already */
                        changed: boolean;
                        revoked_sessions: number;
                    };
                };
            };
        };
    };
    adminEnableAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            created_at: string;
                            /** @description When staff disabled the account; null while it is enabled */
                            disabled_at: string | null;
                            /** @description Masked */
                            email: string;
                            flags: {
                                /** @description Disabled by staff: no session opens until it is enabled */
                                disabled: boolean;
                                email_verified: boolean;
                                locked: boolean;
                                /** @description Set by a require_mfa_enrollment campaign */
                                mfa_enrolment_required: boolean;
                                must_change_password: boolean;
                                /** @description A right password answers password_reset_required: set by a force_password_reset campaign, and while the account is disabled */
                                password_reset_required: boolean;
                                phone_verified: boolean;
                                reset_lock: boolean;
                            };
                            id: string;
                            locale: string | null;
                            /** @description Masked */
                            phone: string | null;
                            role: string;
                            username: string;
                        };
                        /** @description False when the account was in that state already */
                        changed: boolean;
                    };
                };
            };
        };
    };
    adminExportAccount: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Everything Gatehouse holds about the account */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Grants the account gave applications (OpenID Connect) */
                        applications: {
                            client_id: string;
                            expires_at: string | null;
                            name: string | null;
                        }[];
                        devices: {
                            /** @description ISO 8601 */
                            created_at: string;
                            ip: string | null;
                            /** @description ISO 8601 */
                            last_seen_at: string;
                            remembered_until: string | null;
                            user_agent: string | null;
                        }[];
                        /** @description ISO 8601 */
                        exported_at: string;
                        /** @description Second factors other than passkeys: their kind and dates, never their secrets */
                        factors: {
                            confirmed_at: string | null;
                            /** @description ISO 8601 */
                            created_at: string;
                            /** @description totp, sms, email … */
                            kind: string;
                            label: string | null;
                            last_used_at: string | null;
                        }[];
                        /** @enum {string} */
                        format: "gatehouse.account-export.v1";
                        /** @description Leaked data sets, imported into incidents, that named this account */
                        incident_exposures: {
                            /** @description Which of the account’s data the leak held */
                            fields: string[];
                            /** @description ISO 8601 */
                            first_seen_at: string;
                            /** @description The incident's title */
                            incident: string;
                            incident_id: string;
                            rows: number;
                        }[];
                        passkeys: {
                            /** @description ISO 8601 */
                            created_at: string;
                            label: string | null;
                            last_used_at: string | null;
                        }[];
                        pending_deletion: {
                            /** @description ISO 8601 */
                            due_at: string;
                            /** @enum {string} */
                            requested_by: "self" | "staff";
                        } | null;
                        profile: {
                            /** @description ISO 8601 */
                            created_at: string;
                            email: string;
                            email_verified: boolean;
                            id: string;
                            locale: string | null;
                            /** @description ISO 8601 */
                            password_changed_at: string;
                            phone: string | null;
                            phone_verified: boolean;
                            role: string;
                            username: string;
                        };
                        /** @description How many recovery codes the account has; never the codes */
                        recovery_codes: {
                            total: number;
                            unused: number;
                        };
                        security_history: {
                            /** @description ISO 8601 */
                            at: string;
                            details: {
                                [key: string]: unknown;
                            };
                            ip: string | null;
                            type: string;
                            user_agent: string | null;
                        }[];
                        sessions: {
                            /** @description ISO 8601 */
                            created_at: string;
                            /** @description ISO 8601 */
                            expires_at: string;
                            ip: string | null;
                            /** @description ISO 8601 */
                            last_seen_at: string;
                            revoked_at: string | null;
                            user_agent: string | null;
                        }[];
                    };
                };
            };
        };
    };
    adminRevokeAccountSessions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        revoked: number;
                    };
                };
            };
        };
    };
    adminListAccountImports: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        imports: {
                            created_by: string;
                            error: string | null;
                            finished_at: string | null;
                            /** @enum {string} */
                            format: "csv" | "jsonl";
                            heartbeat_at: string;
                            id: string;
                            /** @description Which column (CSV) or key (JSONL) held each field */
                            mapping: {
                                [key: string]: string;
                            };
                            /** @description The first 20 bad rows by line, with the reason only (never their content) */
                            problems: {
                                line: number;
                                reason: string;
                            }[];
                            rows_bad: number;
                            rows_created: number;
                            /** @description Rows whose account was there already (same external id, or same email without one): skipped */
                            rows_present: number;
                            rows_read: number;
                            source_name: string;
                            started_at: string;
                            /** @enum {string} */
                            status: "running" | "completed" | "failed" | "interrupted";
                        }[];
                    };
                };
            };
        };
    };
    adminImportAccounts: {
        parameters: {
            query: {
                created_at?: string;
                /** @description raw PBKDF2: sha1, sha256 or sha512 */
                digest?: string;
                email?: string;
                email_verified?: string;
                external_id?: string;
                format: "csv" | "jsonl";
                /** @description raw hashes: hex, base64 or utf8 */
                hash_encoding?: string;
                /** @description The format of every hash when no column names it */
                hash_format?: "bcrypt" | "argon2" | "scrypt" | "firebase-scrypt" | "pbkdf2" | "md5" | "sha1" | "sha256";
                /** @description raw PBKDF2: iterations */
                iterations?: string;
                locale?: string;
                /** @description Firebase: mem cost */
                mem_cost?: string;
                /** @description scrypt: N */
                n?: string;
                /** @description scrypt: p */
                p?: string;
                password_format?: string;
                password_hash?: string;
                phone?: string;
                phone_verified?: string;
                /** @description scrypt: r */
                r?: string;
                role?: string;
                /** @description Firebase: rounds */
                rounds?: string;
                salt?: string;
                /** @description salts: hex, base64 or utf8 */
                salt_encoding?: string;
                /** @description salted MD5/SHA: before or after the password */
                salt_position?: string;
                /** @description Firebase: the base64 salt separator */
                salt_separator?: string;
                /** @description Firebase: the project's base64 signer key */
                signer_key?: string;
                source_name?: string;
                totp_secret?: string;
                username?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_by: string;
                        error: string | null;
                        finished_at: string | null;
                        /** @enum {string} */
                        format: "csv" | "jsonl";
                        heartbeat_at: string;
                        id: string;
                        /** @description Which column (CSV) or key (JSONL) held each field */
                        mapping: {
                            [key: string]: string;
                        };
                        /** @description The first 20 bad rows by line, with the reason only (never their content) */
                        problems: {
                            line: number;
                            reason: string;
                        }[];
                        rows_bad: number;
                        rows_created: number;
                        /** @description Rows whose account was there already (same external id, or same email without one): skipped */
                        rows_present: number;
                        rows_read: number;
                        source_name: string;
                        started_at: string;
                        /** @enum {string} */
                        status: "running" | "completed" | "failed" | "interrupted";
                    };
                };
            };
        };
    };
    adminGetAccountImport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_by: string;
                        error: string | null;
                        finished_at: string | null;
                        /** @enum {string} */
                        format: "csv" | "jsonl";
                        heartbeat_at: string;
                        id: string;
                        /** @description Which column (CSV) or key (JSONL) held each field */
                        mapping: {
                            [key: string]: string;
                        };
                        /** @description The first 20 bad rows by line, with the reason only (never their content) */
                        problems: {
                            line: number;
                            reason: string;
                        }[];
                        rows_bad: number;
                        rows_created: number;
                        /** @description Rows whose account was there already (same external id, or same email without one): skipped */
                        rows_present: number;
                        rows_read: number;
                        source_name: string;
                        started_at: string;
                        /** @enum {string} */
                        status: "running" | "completed" | "failed" | "interrupted";
                    };
                };
            };
        };
    };
    adminListAudit: {
        parameters: {
            query?: {
                before?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: {
                            action: string;
                            /** @description account:<id>, api_key:<id>, cli or system */
                            actor: string;
                            /** @description Left out, like every name, without accounts:read */
                            actor_info?: {
                                /** @description The account or API key id */
                                id: string | null;
                                /**
                                 * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                                 * @enum {string}
                                 */
                                kind: "account" | "api_key" | "cli" | "system" | "other";
                                /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                                name: string | null;
                                /** @description The account's role */
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            };
                            actor_ip: string | null;
                            details: {
                                [key: string]: unknown;
                            };
                            /** @description The accounts that values of `details` name as account:<id>, by name */
                            details_accounts?: {
                                id: string;
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                                /** @description null when the account no longer exists */
                                username: string | null;
                            }[];
                            hash: string;
                            previous_hash: string;
                            request_id: string | null;
                            seq: number;
                            target: string | null;
                            /** @description The account the target names (target account:<id>), by name */
                            target_account?: {
                                id: string;
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                                /** @description null when the account no longer exists */
                                username: string | null;
                            } | null;
                            time: string;
                        }[];
                        next_before: number | null;
                    };
                };
            };
        };
    };
    adminVerifyAudit: {
        parameters: {
            query?: {
                expected_head?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Entries that verified */
                        entries: number;
                        expected_head_found: boolean | null;
                        first_broken: {
                            /** @enum {string} */
                            reason: "missing" | "previous_hash" | "hash" | "order";
                            seq: number;
                        } | null;
                        /** @description Hash of the last entry that verified */
                        head: string;
                        ok: boolean;
                    };
                };
            };
        };
    };
    adminListCampaigns: {
        parameters: {
            query?: {
                incident_id?: string;
                limit?: number;
                status?: "running" | "paused" | "completed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        campaigns: {
                            /** @enum {string} */
                            action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                            created_at: string;
                            created_by: string;
                            finished_at: string | null;
                            id: string;
                            incident_id: string | null;
                            params: {
                                [key: string]: unknown;
                            };
                            progress: {
                                done: number;
                                eta_seconds: number | null;
                                failed: number;
                                pending: number;
                                /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                                rate: number;
                                /** @description Live sessions the campaign revoked */
                                sessions_revoked: number;
                                skipped: number;
                                total: number;
                            };
                            selector: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            status: "running" | "paused" | "completed" | "cancelled";
                        }[];
                    };
                };
            };
        };
    };
    adminStartCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                    dry_run?: boolean;
                    incident_id?: string;
                    /** @description The notify action takes channel, subject and text; revoke_client takes client_id */
                    params?: {
                        /**
                         * @description notify: email (default) or sms
                         * @enum {string}
                         */
                        channel?: "email" | "sms";
                        /** @description revoke_client: the OpenID Connect client whose grants end */
                        client_id?: string;
                        /** @description notify: the subject of an email notice */
                        subject?: string;
                        /** @description notify: the text; paragraphs separated by blank lines; `{{username}}` is filled in */
                        text?: string;
                    };
                    selector: {
                        /** @description Only accounts whose exposure includes one of these fields */
                        fields?: ("email" | "location" | "phone" | "username")[];
                        incident_id: string;
                        /** @enum {string} */
                        kind: "incident";
                    } | {
                        ids: string[];
                        /** @enum {string} */
                        kind: "accounts";
                    } | {
                        /** @enum {string} */
                        kind: "saved";
                        /** @enum {string} */
                        name: "external_accounts" | "without_second_factor" | "all_users";
                    } | {
                        client_id: string;
                        /** @enum {string} */
                        kind: "oidc_client";
                    };
                };
            };
        };
        responses: {
            /** @description The dry run: nothing was created */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        dry_run: true;
                        effects: {
                            [key: string]: number;
                        };
                        selected: number;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                        created_at: string;
                        created_by: string;
                        finished_at: string | null;
                        id: string;
                        incident_id: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        progress: {
                            done: number;
                            eta_seconds: number | null;
                            failed: number;
                            pending: number;
                            /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                            rate: number;
                            /** @description Live sessions the campaign revoked */
                            sessions_revoked: number;
                            skipped: number;
                            total: number;
                        };
                        selector: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        status: "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
        };
    };
    adminGetCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                        created_at: string;
                        created_by: string;
                        finished_at: string | null;
                        id: string;
                        incident_id: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        progress: {
                            done: number;
                            eta_seconds: number | null;
                            failed: number;
                            pending: number;
                            /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                            rate: number;
                            /** @description Live sessions the campaign revoked */
                            sessions_revoked: number;
                            skipped: number;
                            total: number;
                        };
                        selector: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        status: "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
        };
    };
    adminCancelCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                        created_at: string;
                        created_by: string;
                        finished_at: string | null;
                        id: string;
                        incident_id: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        progress: {
                            done: number;
                            eta_seconds: number | null;
                            failed: number;
                            pending: number;
                            /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                            rate: number;
                            /** @description Live sessions the campaign revoked */
                            sessions_revoked: number;
                            skipped: number;
                            total: number;
                        };
                        selector: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        status: "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
        };
    };
    adminPauseCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                        created_at: string;
                        created_by: string;
                        finished_at: string | null;
                        id: string;
                        incident_id: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        progress: {
                            done: number;
                            eta_seconds: number | null;
                            failed: number;
                            pending: number;
                            /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                            rate: number;
                            /** @description Live sessions the campaign revoked */
                            sessions_revoked: number;
                            skipped: number;
                            total: number;
                        };
                        selector: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        status: "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
        };
    };
    adminResumeCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "force_password_reset" | "revoke_sessions" | "require_mfa_enrollment" | "reset_lock" | "notify" | "revoke_client";
                        created_at: string;
                        created_by: string;
                        finished_at: string | null;
                        id: string;
                        incident_id: string | null;
                        params: {
                            [key: string]: unknown;
                        };
                        progress: {
                            done: number;
                            eta_seconds: number | null;
                            failed: number;
                            pending: number;
                            /** @description Accounts handled per second over the last 30 s; for a finished campaign, over the 30 s before it finished */
                            rate: number;
                            /** @description Live sessions the campaign revoked */
                            sessions_revoked: number;
                            skipped: number;
                            total: number;
                        };
                        selector: {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        status: "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
        };
    };
    adminListClients: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clients: {
                            created_at: string;
                            created_by: string;
                            description: string | null;
                            disabled_at: string | null;
                            id: string;
                            name: string;
                            owner_account_id: string;
                            updated_at: string;
                        }[];
                    };
                };
            };
        };
    };
    adminCreateClient: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string | null;
                    name: string;
                    /** @description A staff (admin, responder, auditor) or partner account */
                    owner_account_id: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        id: string;
                        name: string;
                        owner_account_id: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminGetClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        id: string;
                        keys: {
                            client_id: string;
                            created_at: string;
                            created_by: string;
                            description: string | null;
                            expires_at: string | null;
                            /** @description The expiry policy a rotation carries over; null: never */
                            expires_in_days: number | null;
                            id: string;
                            /** @description Written at most once a minute */
                            last_used_at: string | null;
                            last_used_ip: string | null;
                            /** @description The displayable part: the key starts `ghk_<prefix>_` */
                            prefix: string;
                            /** @description `api_key:<id>`, as the access review and the audit log name it */
                            principal_id: string;
                            replaced_by: string | null;
                            /** @description When it stops or stopped working (later than now during an overlap) */
                            revoked_at: string | null;
                            scopes: string[];
                            /** @enum {string} */
                            status: "active" | "rotating" | "revoked" | "expired";
                        }[];
                        name: string;
                        owner_account_id: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminDeleteClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminUpdateClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string | null;
                    disabled?: boolean;
                    name?: string;
                    owner_account_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        id: string;
                        name: string;
                        owner_account_id: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminListClientKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            client_id: string;
                            created_at: string;
                            created_by: string;
                            description: string | null;
                            expires_at: string | null;
                            /** @description The expiry policy a rotation carries over; null: never */
                            expires_in_days: number | null;
                            id: string;
                            /** @description Written at most once a minute */
                            last_used_at: string | null;
                            last_used_ip: string | null;
                            /** @description The displayable part: the key starts `ghk_<prefix>_` */
                            prefix: string;
                            /** @description `api_key:<id>`, as the access review and the audit log name it */
                            principal_id: string;
                            replaced_by: string | null;
                            /** @description When it stops or stopped working (later than now during an overlap) */
                            revoked_at: string | null;
                            scopes: string[];
                            /** @enum {string} */
                            status: "active" | "rotating" | "revoked" | "expired";
                        }[];
                    };
                };
            };
        };
    };
    adminIssueClientKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string | null;
                    /** @description Days until the key expires; null: it never expires (the access review flags that) */
                    expires_in_days: number | null;
                    scopes: ("*" | "audit:read" | "detections:read" | "detections:write" | "webhooks:read" | "webhooks:write" | "accounts:read" | "accounts:write" | "incidents:read" | "incidents:write" | "campaigns:read" | "campaigns:write" | "access:read" | "access:write" | "oidc_clients:read" | "oidc_clients:write")[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        client_id: string;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        expires_at: string | null;
                        /** @description The expiry policy a rotation carries over; null: never */
                        expires_in_days: number | null;
                        id: string;
                        /** @description Shown once */
                        key: string;
                        /** @description Written at most once a minute */
                        last_used_at: string | null;
                        last_used_ip: string | null;
                        /** @description The displayable part: the key starts `ghk_<prefix>_` */
                        prefix: string;
                        /** @description `api_key:<id>`, as the access review and the audit log name it */
                        principal_id: string;
                        replaced_by: string | null;
                        /** @description When it stops or stopped working (later than now during an overlap) */
                        revoked_at: string | null;
                        scopes: string[];
                        /** @enum {string} */
                        status: "active" | "rotating" | "revoked" | "expired";
                    };
                };
            };
        };
    };
    adminRevokeClientKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminUpdateClientKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Days until the key expires; null: it never expires (the access review flags that) */
                    expires_in_days: number | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        client_id: string;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        expires_at: string | null;
                        /** @description The expiry policy a rotation carries over; null: never */
                        expires_in_days: number | null;
                        id: string;
                        /** @description Written at most once a minute */
                        last_used_at: string | null;
                        last_used_ip: string | null;
                        /** @description The displayable part: the key starts `ghk_<prefix>_` */
                        prefix: string;
                        /** @description `api_key:<id>`, as the access review and the audit log name it */
                        principal_id: string;
                        replaced_by: string | null;
                        /** @description When it stops or stopped working (later than now during an overlap) */
                        revoked_at: string | null;
                        scopes: string[];
                        /** @enum {string} */
                        status: "active" | "rotating" | "revoked" | "expired";
                    };
                };
            };
        };
    };
    adminRotateClientKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                key_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Seconds the old key keeps working beside its successor (0: it stops at once)
                     * @default 0
                     */
                    overlap_seconds?: number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        client_id: string;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        expires_at: string | null;
                        /** @description The expiry policy a rotation carries over; null: never */
                        expires_in_days: number | null;
                        id: string;
                        /** @description Shown once */
                        key: string;
                        /** @description Written at most once a minute */
                        last_used_at: string | null;
                        last_used_ip: string | null;
                        /** @description The displayable part: the key starts `ghk_<prefix>_` */
                        prefix: string;
                        previous: {
                            id: string;
                            stops_at: string;
                        };
                        /** @description `api_key:<id>`, as the access review and the audit log name it */
                        principal_id: string;
                        replaced_by: string | null;
                        /** @description When it stops or stopped working (later than now during an overlap) */
                        revoked_at: string | null;
                        scopes: string[];
                        /** @enum {string} */
                        status: "active" | "rotating" | "revoked" | "expired";
                    };
                };
            };
        };
    };
    adminListDetections: {
        parameters: {
            query?: {
                before?: number;
                kind?: "enumeration" | "recovery_flood" | "credential_stuffing" | "brute_force" | "legacy_client" | "signup_refusals";
                limit?: number;
                status?: "open" | "resolved" | "lifted";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        detections: {
                            /** @description The account it is about (scope account), by name; left out without accounts:read */
                            account?: {
                                id: string;
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                                /** @description null when the account no longer exists */
                                username: string | null;
                            } | null;
                            account_id: string | null;
                            /**
                             * @description The strongest response taken while open
                             * @enum {string}
                             */
                            action: "none" | "delay" | "challenge" | "block";
                            /** @description When the current challenge or block ends */
                            action_until: string | null;
                            closed_at: string | null;
                            /** @description The account id, or api_key:<id>, that closed it */
                            closed_by: string | null;
                            /** @description Who closed it, by name; left out without accounts:read */
                            closed_by_actor?: {
                                /** @description The account or API key id */
                                id: string | null;
                                /**
                                 * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                                 * @enum {string}
                                 */
                                kind: "account" | "api_key" | "cli" | "system" | "other";
                                /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                                name: string | null;
                                /** @description The account's role */
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            } | null;
                            /** @description Requests counted against it while open */
                            count: number;
                            details: {
                                [key: string]: unknown;
                            };
                            first_seen: string;
                            id: number;
                            /** @description ip:<address>, subnet:<network>, identifier:<keyed hash of what was typed>, account:<id>, global:login */
                            key: string;
                            /** @enum {string} */
                            kind: "enumeration" | "recovery_flood" | "credential_stuffing" | "brute_force" | "legacy_client" | "signup_refusals";
                            last_seen: string;
                            /** @enum {string} */
                            scope: "ip" | "subnet" | "identifier" | "account" | "global";
                            /** @enum {string} */
                            status: "open" | "resolved" | "lifted";
                        }[];
                        next_before: number | null;
                    };
                };
            };
        };
    };
    adminGetDetection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The account it is about (scope account), by name; left out without accounts:read */
                        account?: {
                            id: string;
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            /** @description null when the account no longer exists */
                            username: string | null;
                        } | null;
                        account_id: string | null;
                        /**
                         * @description The strongest response taken while open
                         * @enum {string}
                         */
                        action: "none" | "delay" | "challenge" | "block";
                        /** @description When the current challenge or block ends */
                        action_until: string | null;
                        closed_at: string | null;
                        /** @description The account id, or api_key:<id>, that closed it */
                        closed_by: string | null;
                        /** @description Who closed it, by name; left out without accounts:read */
                        closed_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        } | null;
                        /** @description Requests counted against it while open */
                        count: number;
                        details: {
                            [key: string]: unknown;
                        };
                        first_seen: string;
                        id: number;
                        /** @description ip:<address>, subnet:<network>, identifier:<keyed hash of what was typed>, account:<id>, global:login */
                        key: string;
                        /** @enum {string} */
                        kind: "enumeration" | "recovery_flood" | "credential_stuffing" | "brute_force" | "legacy_client" | "signup_refusals";
                        last_seen: string;
                        /** @enum {string} */
                        scope: "ip" | "subnet" | "identifier" | "account" | "global";
                        /** @enum {string} */
                        status: "open" | "resolved" | "lifted";
                    };
                };
            };
        };
    };
    adminLiftDetection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The account it is about (scope account), by name; left out without accounts:read */
                        account?: {
                            id: string;
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            /** @description null when the account no longer exists */
                            username: string | null;
                        } | null;
                        account_id: string | null;
                        /**
                         * @description The strongest response taken while open
                         * @enum {string}
                         */
                        action: "none" | "delay" | "challenge" | "block";
                        /** @description When the current challenge or block ends */
                        action_until: string | null;
                        closed_at: string | null;
                        /** @description The account id, or api_key:<id>, that closed it */
                        closed_by: string | null;
                        /** @description Who closed it, by name; left out without accounts:read */
                        closed_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        } | null;
                        /** @description Requests counted against it while open */
                        count: number;
                        details: {
                            [key: string]: unknown;
                        };
                        first_seen: string;
                        id: number;
                        /** @description ip:<address>, subnet:<network>, identifier:<keyed hash of what was typed>, account:<id>, global:login */
                        key: string;
                        /** @enum {string} */
                        kind: "enumeration" | "recovery_flood" | "credential_stuffing" | "brute_force" | "legacy_client" | "signup_refusals";
                        last_seen: string;
                        /** @enum {string} */
                        scope: "ip" | "subnet" | "identifier" | "account" | "global";
                        /** @enum {string} */
                        status: "open" | "resolved" | "lifted";
                    };
                };
            };
        };
    };
    adminResolveDetection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    lift?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The account it is about (scope account), by name; left out without accounts:read */
                        account?: {
                            id: string;
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            /** @description null when the account no longer exists */
                            username: string | null;
                        } | null;
                        account_id: string | null;
                        /**
                         * @description The strongest response taken while open
                         * @enum {string}
                         */
                        action: "none" | "delay" | "challenge" | "block";
                        /** @description When the current challenge or block ends */
                        action_until: string | null;
                        closed_at: string | null;
                        /** @description The account id, or api_key:<id>, that closed it */
                        closed_by: string | null;
                        /** @description Who closed it, by name; left out without accounts:read */
                        closed_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        } | null;
                        /** @description Requests counted against it while open */
                        count: number;
                        details: {
                            [key: string]: unknown;
                        };
                        first_seen: string;
                        id: number;
                        /** @description ip:<address>, subnet:<network>, identifier:<keyed hash of what was typed>, account:<id>, global:login */
                        key: string;
                        /** @enum {string} */
                        kind: "enumeration" | "recovery_flood" | "credential_stuffing" | "brute_force" | "legacy_client" | "signup_refusals";
                        last_seen: string;
                        /** @enum {string} */
                        scope: "ip" | "subnet" | "identifier" | "account" | "global";
                        /** @enum {string} */
                        status: "open" | "resolved" | "lifted";
                    };
                };
            };
        };
    };
    adminListEvents: {
        parameters: {
            query?: {
                account_id?: string;
                before?: number;
                ip?: string;
                limit?: number;
                since?: string;
                type?: string;
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: {
                            /** @description The account, by name; left out without accounts:read */
                            account?: {
                                id: string;
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                                /** @description null when the account no longer exists */
                                username: string | null;
                            } | null;
                            account_id: string | null;
                            client_version: string | null;
                            details: {
                                [key: string]: unknown;
                            };
                            id: number;
                            ip: string | null;
                            request_id: string | null;
                            subnet: string | null;
                            time: string;
                            /** @description See docs/events.md */
                            type: string;
                            user_agent: string | null;
                        }[];
                        next_before: number | null;
                    };
                };
            };
        };
    };
    adminListIncidents: {
        parameters: {
            query?: {
                before?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        incidents: {
                            closed_at: string | null;
                            created_at: string;
                            created_by: string;
                            /** @description Who opened it, by name; left out without accounts:read */
                            created_by_actor?: {
                                /** @description The account or API key id */
                                id: string | null;
                                /**
                                 * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                                 * @enum {string}
                                 */
                                kind: "account" | "api_key" | "cli" | "system" | "other";
                                /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                                name: string | null;
                                /** @description The account's role */
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            };
                            id: string;
                            mitigations: string;
                            risks: string;
                            /** @enum {string} */
                            severity: "low" | "medium" | "high" | "critical";
                            /** @enum {string} */
                            status: "open" | "closed";
                            summary: string;
                            title: string;
                            updated_at: string;
                        }[];
                        next_before: string | null;
                    };
                };
            };
        };
    };
    adminOpenIncident: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    mitigations?: string;
                    risks?: string;
                    /** @enum {string} */
                    severity: "low" | "medium" | "high" | "critical";
                    summary: string;
                    title: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        closed_at: string | null;
                        created_at: string;
                        created_by: string;
                        /** @description Who opened it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        id: string;
                        mitigations: string;
                        risks: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "closed";
                        summary: string;
                        title: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminGetIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        closed_at: string | null;
                        created_at: string;
                        created_by: string;
                        /** @description Who opened it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        id: string;
                        imports: {
                            /** @description Distinct accounts this import matched; known once it is done */
                            accounts_matched: number;
                            created_by: string;
                            /** @description Who started it, by name; left out without accounts:read */
                            created_by_actor?: {
                                /** @description The account or API key id */
                                id: string | null;
                                /**
                                 * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                                 * @enum {string}
                                 */
                                kind: "account" | "api_key" | "cli" | "system" | "other";
                                /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                                name: string | null;
                                /** @description The account's role */
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            };
                            error: string | null;
                            finished_at: string | null;
                            /** @enum {string} */
                            format: "csv" | "jsonl";
                            id: string;
                            incident_id: string;
                            /** @description Field → column (CSV header) or key (JSONL) */
                            mapping: {
                                [key: string]: string;
                            };
                            /** @description The first unparseable rows by line number (their content is never kept) */
                            problems: {
                                line: number;
                                reason: string;
                            }[];
                            /** @description Rows whose username, email or phone named an account */
                            rows_matched: number;
                            rows_read: number;
                            rows_unparseable: number;
                            source_name: string;
                            started_at: string;
                            /** @enum {string} */
                            status: "running" | "done" | "failed";
                        }[];
                        mitigations: string;
                        risks: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "closed";
                        summary: string;
                        title: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminUpdateIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    mitigations?: string;
                    risks?: string;
                    /** @enum {string} */
                    severity?: "low" | "medium" | "high" | "critical";
                    summary?: string;
                    title?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        closed_at: string | null;
                        created_at: string;
                        created_by: string;
                        /** @description Who opened it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        id: string;
                        mitigations: string;
                        risks: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "closed";
                        summary: string;
                        title: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminCloseIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        closed_at: string | null;
                        created_at: string;
                        created_by: string;
                        /** @description Who opened it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        id: string;
                        mitigations: string;
                        risks: string;
                        /** @enum {string} */
                        severity: "low" | "medium" | "high" | "critical";
                        /** @enum {string} */
                        status: "open" | "closed";
                        summary: string;
                        title: string;
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminListExposures: {
        parameters: {
            query?: {
                after?: string;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        exposures: {
                            account_id: string;
                            fields: ("email" | "location" | "phone" | "username")[];
                            first_import_id: string;
                            first_seen_at: string;
                            /** @description Rows of the leaks that named this account */
                            rows: number;
                            username: string;
                        }[];
                        next_after: string | null;
                        total: number;
                    };
                };
            };
        };
    };
    adminImportExposures: {
        parameters: {
            query: {
                email?: string;
                format: "csv" | "jsonl";
                location?: string;
                phone?: string;
                phone_region?: string;
                source_name?: string;
                username?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Distinct accounts this import matched; known once it is done */
                        accounts_matched: number;
                        created_by: string;
                        /** @description Who started it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        error: string | null;
                        finished_at: string | null;
                        /** @enum {string} */
                        format: "csv" | "jsonl";
                        id: string;
                        incident_id: string;
                        /** @description Field → column (CSV header) or key (JSONL) */
                        mapping: {
                            [key: string]: string;
                        };
                        /** @description The first unparseable rows by line number (their content is never kept) */
                        problems: {
                            line: number;
                            reason: string;
                        }[];
                        /** @description Rows whose username, email or phone named an account */
                        rows_matched: number;
                        rows_read: number;
                        rows_unparseable: number;
                        source_name: string;
                        started_at: string;
                        /** @enum {string} */
                        status: "running" | "done" | "failed";
                    };
                };
            };
        };
    };
    adminGetExposureImport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                importId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Distinct accounts this import matched; known once it is done */
                        accounts_matched: number;
                        created_by: string;
                        /** @description Who started it, by name; left out without accounts:read */
                        created_by_actor?: {
                            /** @description The account or API key id */
                            id: string | null;
                            /**
                             * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                             * @enum {string}
                             */
                            kind: "account" | "api_key" | "cli" | "system" | "other";
                            /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                            name: string | null;
                            /** @description The account's role */
                            role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                        };
                        error: string | null;
                        finished_at: string | null;
                        /** @enum {string} */
                        format: "csv" | "jsonl";
                        id: string;
                        incident_id: string;
                        /** @description Field → column (CSV header) or key (JSONL) */
                        mapping: {
                            [key: string]: string;
                        };
                        /** @description The first unparseable rows by line number (their content is never kept) */
                        problems: {
                            line: number;
                            reason: string;
                        }[];
                        /** @description Rows whose username, email or phone named an account */
                        rows_matched: number;
                        rows_read: number;
                        rows_unparseable: number;
                        source_name: string;
                        started_at: string;
                        /** @enum {string} */
                        status: "running" | "done" | "failed";
                    };
                };
            };
        };
    };
    adminGetIncidentReport: {
        parameters: {
            query?: {
                format?: "markdown" | "json";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminGetIncidentTimeline: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: {
                            actor: string | null;
                            /** @description Who, by name; left out without accounts:read */
                            actor_info?: {
                                /** @description The account or API key id */
                                id: string | null;
                                /**
                                 * @description Who acted: a staff account, an admin API key, the command line, Gatehouse itself
                                 * @enum {string}
                                 */
                                kind: "account" | "api_key" | "cli" | "system" | "other";
                                /** @description The username, or for an API key its client name and key prefix; null when the account or key no longer exists, and for cli and system */
                                name: string | null;
                                /** @description The account's role */
                                role: ("user" | "admin" | "partner" | "responder" | "auditor") | null;
                            } | null;
                            details: {
                                [key: string]: unknown;
                            };
                            kind: string;
                            source: string;
                            time: string;
                        }[];
                    };
                };
            };
        };
    };
    adminListApplications: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        clients: {
                            /** @enum {string} */
                            access_token_format: "opaque" | "jwt";
                            backchannel_logout_uri: string | null;
                            /** @description `ghc_` and 22 characters */
                            client_id: string;
                            contact: string | null;
                            created_at: string;
                            created_by: string;
                            description: string | null;
                            disabled_at: string | null;
                            /** @description First-party applications skip the consent screen */
                            first_party: boolean;
                            grant_types: ("authorization_code" | "refresh_token" | "client_credentials")[];
                            has_secret: boolean;
                            /** @description Last token issued to it; written at most once a minute */
                            last_used_at: string | null;
                            name: string;
                            /** @description The staff or partner account answerable for it */
                            owner_account_id: string | null;
                            post_logout_redirect_uris: string[];
                            /** @description A browser or native app: no secret, PKCE only */
                            public: boolean;
                            redirect_uris: string[];
                            /** @description The least a sign-in must prove: pwd, mfa or phr */
                            require_acr: ("pwd" | "mfa" | "phr") | null;
                            scopes: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                            secret_created_at: string | null;
                            /** @enum {string} */
                            token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "none";
                            updated_at: string;
                        }[];
                    };
                };
            };
        };
    };
    adminCreateApplication: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    access_token_format?: "opaque" | "jwt";
                    backchannel_logout_uri?: string | null;
                    contact?: string | null;
                    description?: string | null;
                    first_party?: boolean;
                    grant_types?: ("authorization_code" | "refresh_token" | "client_credentials")[];
                    name: string;
                    owner_account_id?: string | null;
                    post_logout_redirect_uris?: string[];
                    /** @description A browser or native app without a secret (token_endpoint_auth_method none); fixed */
                    public?: boolean;
                    redirect_uris?: string[];
                    require_acr?: ("pwd" | "mfa" | "phr") | null;
                    scopes?: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                    /** @enum {string} */
                    token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post" | "none";
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        access_token_format: "opaque" | "jwt";
                        backchannel_logout_uri: string | null;
                        /** @description `ghc_` and 22 characters */
                        client_id: string;
                        /** @description `ghs_…`: shown in this answer only (null for a public client); only its SHA-256 is kept */
                        client_secret: string | null;
                        contact: string | null;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        /** @description First-party applications skip the consent screen */
                        first_party: boolean;
                        grant_types: ("authorization_code" | "refresh_token" | "client_credentials")[];
                        has_secret: boolean;
                        /** @description Last token issued to it; written at most once a minute */
                        last_used_at: string | null;
                        name: string;
                        /** @description The staff or partner account answerable for it */
                        owner_account_id: string | null;
                        post_logout_redirect_uris: string[];
                        /** @description A browser or native app: no secret, PKCE only */
                        public: boolean;
                        redirect_uris: string[];
                        /** @description The least a sign-in must prove: pwd, mfa or phr */
                        require_acr: ("pwd" | "mfa" | "phr") | null;
                        scopes: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                        secret_created_at: string | null;
                        /** @enum {string} */
                        token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "none";
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminGetApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        access_token_format: "opaque" | "jwt";
                        backchannel_logout_uri: string | null;
                        /** @description `ghc_` and 22 characters */
                        client_id: string;
                        contact: string | null;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        /** @description First-party applications skip the consent screen */
                        first_party: boolean;
                        grant_types: ("authorization_code" | "refresh_token" | "client_credentials")[];
                        has_secret: boolean;
                        /** @description Last token issued to it; written at most once a minute */
                        last_used_at: string | null;
                        name: string;
                        /** @description The staff or partner account answerable for it */
                        owner_account_id: string | null;
                        post_logout_redirect_uris: string[];
                        /** @description A browser or native app: no secret, PKCE only */
                        public: boolean;
                        redirect_uris: string[];
                        /** @description The least a sign-in must prove: pwd, mfa or phr */
                        require_acr: ("pwd" | "mfa" | "phr") | null;
                        scopes: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                        secret_created_at: string | null;
                        /** @enum {string} */
                        token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "none";
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminDeleteApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminUpdateApplication: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    access_token_format?: "opaque" | "jwt";
                    backchannel_logout_uri?: string | null;
                    contact?: string | null;
                    description?: string | null;
                    /** @description true: disables it and ends every grant and token it holds; false: enables it again */
                    disabled?: boolean;
                    first_party?: boolean;
                    grant_types?: ("authorization_code" | "refresh_token" | "client_credentials")[];
                    name?: string;
                    owner_account_id?: string | null;
                    post_logout_redirect_uris?: string[];
                    redirect_uris?: string[];
                    require_acr?: ("pwd" | "mfa" | "phr") | null;
                    scopes?: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                    /** @enum {string} */
                    token_endpoint_auth_method?: "client_secret_basic" | "client_secret_post" | "none";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        access_token_format: "opaque" | "jwt";
                        backchannel_logout_uri: string | null;
                        /** @description `ghc_` and 22 characters */
                        client_id: string;
                        contact: string | null;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        /** @description First-party applications skip the consent screen */
                        first_party: boolean;
                        grant_types: ("authorization_code" | "refresh_token" | "client_credentials")[];
                        has_secret: boolean;
                        /** @description Last token issued to it; written at most once a minute */
                        last_used_at: string | null;
                        name: string;
                        /** @description The staff or partner account answerable for it */
                        owner_account_id: string | null;
                        post_logout_redirect_uris: string[];
                        /** @description A browser or native app: no secret, PKCE only */
                        public: boolean;
                        redirect_uris: string[];
                        /** @description The least a sign-in must prove: pwd, mfa or phr */
                        require_acr: ("pwd" | "mfa" | "phr") | null;
                        scopes: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                        secret_created_at: string | null;
                        /** @enum {string} */
                        token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "none";
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminRevokeApplicationGrants: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        client_id: string;
                        grants_revoked: number;
                    };
                };
            };
        };
    };
    adminRotateApplicationSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        access_token_format: "opaque" | "jwt";
                        backchannel_logout_uri: string | null;
                        /** @description `ghc_` and 22 characters */
                        client_id: string;
                        client_secret: string;
                        contact: string | null;
                        created_at: string;
                        created_by: string;
                        description: string | null;
                        disabled_at: string | null;
                        /** @description First-party applications skip the consent screen */
                        first_party: boolean;
                        grant_types: ("authorization_code" | "refresh_token" | "client_credentials")[];
                        has_secret: boolean;
                        /** @description Last token issued to it; written at most once a minute */
                        last_used_at: string | null;
                        name: string;
                        /** @description The staff or partner account answerable for it */
                        owner_account_id: string | null;
                        post_logout_redirect_uris: string[];
                        /** @description A browser or native app: no secret, PKCE only */
                        public: boolean;
                        redirect_uris: string[];
                        /** @description The least a sign-in must prove: pwd, mfa or phr */
                        require_acr: ("pwd" | "mfa" | "phr") | null;
                        scopes: ("openid" | "profile" | "email" | "phone" | "offline_access")[];
                        secret_created_at: string | null;
                        /** @enum {string} */
                        token_endpoint_auth_method: "client_secret_basic" | "client_secret_post" | "none";
                        updated_at: string;
                    };
                };
            };
        };
    };
    adminListDeadMessages: {
        parameters: {
            query?: {
                before?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        messages: {
                            account_id: string | null;
                            attempts: number;
                            /** @enum {string} */
                            channel: "email" | "sms" | "webhook";
                            created_at: string;
                            dead_at: string;
                            id: string;
                            /** @description Why the last try failed; addresses cut to their domain */
                            last_error: string | null;
                            template: string;
                        }[];
                        next: string | null;
                    };
                };
            };
        };
    };
    adminRetryDeadMessages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    ids: string[];
                } | {
                    /** @enum {boolean} */
                    all: true;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        retried: number;
                    };
                };
            };
        };
    };
    adminLinkPartner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    client_id: string | null;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_revoked_at: string | null;
                        account_id: string;
                        client_id: string | null;
                        username: string;
                    };
                };
            };
        };
    };
    adminReinstatePartner: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_revoked_at: string | null;
                        account_id: string;
                        client_id: string | null;
                        username: string;
                    };
                };
            };
        };
    };
    adminGetStats: {
        parameters: {
            query?: {
                window?: "hour" | "day";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        bucket_seconds: number;
                        buckets: {
                            blocks: number;
                            challenges: number;
                            logins_failed: number;
                            logins_succeeded: number;
                            recovery_requests: number;
                            recovery_sent: number;
                            recovery_suppressed: number;
                            start: string;
                        }[];
                        from: string;
                        imported_password_hashes: {
                            by_format: {
                                [key: string]: number;
                            };
                            total: number;
                        };
                        open_detections: number;
                        open_detections_by_kind: {
                            [key: string]: number;
                        };
                        to: string;
                        totals: {
                            [key: string]: number;
                        };
                        /** @enum {string} */
                        window: "hour" | "day";
                    };
                };
            };
        };
    };
    adminListWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        webhooks: {
                            created_at: string;
                            description: string | null;
                            /** @description Security event types, see docs/events.md */
                            event_types: string[];
                            id: string;
                            url: string;
                        }[];
                    };
                };
            };
        };
    };
    adminCreateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    description?: string;
                    event_types: ("account_created" | "account_signup_existing_email" | "account_email_verified" | "account_verification_resend" | "account_phone_changed" | "account_phone_verified" | "account_phone_verify_fail" | "account_phone_removed" | "account_locale_changed" | "account_unverified_deleted" | "authn_login_success" | "authn_login_fail" | "authn_password_rehashed" | "authn_password_change" | "authn_password_change_fail" | "authn_password_change_required" | "session_logout" | "session_revoked" | "client_outdated" | "authn_password_reset_requested" | "recovery.suppressed" | "authn_password_reset_completed" | "authn_mfa_fail" | "authn_mfa_enabled" | "authn_mfa_challenge" | "authn_recovery_code_used" | "authn_recovery_codes_regenerated" | "account_locked" | "recovery.reset_lock_changed" | "authn_reauth_fail" | "authn_reauth" | "authn_mfa_removed" | "account_email_change_requested" | "account_email_changed" | "account_password_reset_by_operator" | "account_role_changed" | "authn_mfa_enrolment_required" | "authn_webauthn_fail" | "authn_webauthn_counter_regressed" | "authn_passkey_login_fail" | "authn_device_new" | "authn_device_remembered" | "authn_devices_forgotten" | "authn_mfa_skipped_remembered" | "authn_step_up" | "authn_otp_sent" | "authn_otp_send_capped" | "authn_login_notice_queued" | "authn_login_notice_suppressed" | "authn_login_not_me" | "outbound_budget_exhausted" | "messages_dead_lettered" | "limiter_store_fallback" | "limiter_store_recovered" | "guard_detection" | "guard_detection_resolved" | "guard_block_lifted" | "guard_sources_lifted" | "guard_challenge_failed" | "webhook_created" | "webhook_deleted" | "campaign_password_reset_forced" | "campaign_sessions_revoked" | "campaign_mfa_enrolment_required" | "campaign_reset_lock_set" | "campaign_notice_queued" | "api_key_created" | "api_key_revoked" | "api_key_rotated" | "api_key_refused" | "account_access_revoked" | "account_access_reinstated" | "account_created_by_staff" | "account_changed_by_staff" | "account_disabled" | "account_enabled" | "account_deleted" | "account_data_exported" | "account_deletion_scheduled" | "account_deletion_cancelled" | "oidc_login" | "oidc_consent_given" | "oidc_consent_denied" | "oidc_token_reuse" | "oidc_grants_revoked" | "oidc_client_grants_revoked" | "oidc_client_auth_fail" | "oidc_backchannel_logout_failed" | "oidc_client_created" | "oidc_client_changed" | "oidc_client_secret_rotated" | "oidc_client_disabled" | "oidc_client_enabled" | "oidc_client_deleted")[];
                    url: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_at: string;
                        description: string | null;
                        /** @description Security event types, see docs/events.md */
                        event_types: string[];
                        id: string;
                        /** @description `whsec_…`: the key of the HMAC-SHA256 signatures; shown once */
                        secret: string;
                        url: string;
                    };
                };
            };
        };
    };
    adminDeleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    adminListWebhookDeliveries: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deliveries: {
                            /** @description 1 for the first try */
                            attempt: number;
                            duration_ms: number;
                            error: string | null;
                            event_type: string;
                            id: string;
                            /** @description The `gatehouse-webhook-id` header; the same on every try of a message */
                            message_id: string;
                            /** @description The receiver's HTTP status; null when it did not answer */
                            status_code: number | null;
                            time: string;
                        }[];
                    };
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        created_at: string;
                        email: string;
                        email_verified: boolean;
                        id: string;
                        locale: ("en" | "de") | null;
                        /** @description E.164, as stored; null when none is set */
                        phone: string | null;
                        phone_verified: boolean;
                        reset_lock: boolean;
                        username: string;
                    };
                };
            };
        };
    };
    deleteMyAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description When the account and its data will be deleted */
                        deletion_due_at: string;
                        /** @enum {string} */
                        status: "deletion_scheduled";
                    };
                };
            };
        };
    };
    changeMyEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "verification_sent";
                    };
                };
            };
        };
    };
    verifyMyNewEmail: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "email_changed";
                    };
                };
            };
        };
    };
    listMyEvents: {
        parameters: {
            query?: {
                before?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: {
                            details: {
                                [key: string]: unknown;
                            };
                            id: number;
                            ip: string | null;
                            time: string;
                            /** @description See docs/events.md */
                            type: string;
                            user_agent: string | null;
                        }[];
                        next_before: number | null;
                    };
                };
            };
        };
    };
    exportMyAccount: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Everything Gatehouse holds about the account */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Grants the account gave applications (OpenID Connect) */
                        applications: {
                            client_id: string;
                            expires_at: string | null;
                            name: string | null;
                        }[];
                        devices: {
                            /** @description ISO 8601 */
                            created_at: string;
                            ip: string | null;
                            /** @description ISO 8601 */
                            last_seen_at: string;
                            remembered_until: string | null;
                            user_agent: string | null;
                        }[];
                        /** @description ISO 8601 */
                        exported_at: string;
                        /** @description Second factors other than passkeys: their kind and dates, never their secrets */
                        factors: {
                            confirmed_at: string | null;
                            /** @description ISO 8601 */
                            created_at: string;
                            /** @description totp, sms, email … */
                            kind: string;
                            label: string | null;
                            last_used_at: string | null;
                        }[];
                        /** @enum {string} */
                        format: "gatehouse.account-export.v1";
                        /** @description Leaked data sets, imported into incidents, that named this account */
                        incident_exposures: {
                            /** @description Which of the account’s data the leak held */
                            fields: string[];
                            /** @description ISO 8601 */
                            first_seen_at: string;
                            /** @description The incident's title */
                            incident: string;
                            incident_id: string;
                            rows: number;
                        }[];
                        passkeys: {
                            /** @description ISO 8601 */
                            created_at: string;
                            label: string | null;
                            last_used_at: string | null;
                        }[];
                        pending_deletion: {
                            /** @description ISO 8601 */
                            due_at: string;
                            /** @enum {string} */
                            requested_by: "self" | "staff";
                        } | null;
                        profile: {
                            /** @description ISO 8601 */
                            created_at: string;
                            email: string;
                            email_verified: boolean;
                            id: string;
                            locale: string | null;
                            /** @description ISO 8601 */
                            password_changed_at: string;
                            phone: string | null;
                            phone_verified: boolean;
                            role: string;
                            username: string;
                        };
                        /** @description How many recovery codes the account has; never the codes */
                        recovery_codes: {
                            total: number;
                            unused: number;
                        };
                        security_history: {
                            /** @description ISO 8601 */
                            at: string;
                            details: {
                                [key: string]: unknown;
                            };
                            ip: string | null;
                            type: string;
                            user_agent: string | null;
                        }[];
                        sessions: {
                            /** @description ISO 8601 */
                            created_at: string;
                            /** @description ISO 8601 */
                            expires_at: string;
                            ip: string | null;
                            /** @description ISO 8601 */
                            last_seen_at: string;
                            revoked_at: string | null;
                            user_agent: string | null;
                        }[];
                    };
                };
            };
        };
    };
    setMyLocale: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description One of Gatehouse's languages
                     * @enum {string}
                     */
                    locale: "en" | "de";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        locale: "en" | "de";
                    };
                };
            };
        };
    };
    changeMyPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    current_password: string;
                    new_password: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        revoked_sessions: number;
                    };
                };
            };
        };
    };
    setMyPhone: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                    /** @description E.164, such as +14155550123 */
                    phone: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "code_sent";
                    };
                };
            };
        };
    };
    removeMyPhone: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                };
            };
        };
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    verifyMyPhone: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "verified";
                    };
                };
            };
        };
    };
    setResetLock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    enabled: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reset_lock: boolean;
                    };
                };
            };
        };
    };
    listFactors: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        factors: {
                            created_at: string;
                            id: string;
                            kind: string;
                            /** @description Passkeys: last use */
                            last_used_at?: string | null;
                            /** @description Passkeys: the name given at registration */
                            name?: string | null;
                            /** @enum {string} */
                            status: "pending" | "active";
                        }[];
                        recovery_codes_remaining: number;
                    };
                };
            };
        };
    };
    enableEmailCodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        factor: {
                            id: string;
                            /** @enum {string} */
                            kind: "email";
                        };
                        recovery_codes?: string[];
                    };
                };
            };
        };
    };
    removeFactor: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    regenerateRecoveryCodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A current TOTP code, checked when given */
                    code?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recovery_codes: string[];
                    };
                };
            };
        };
    };
    enableSmsCodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        factor: {
                            id: string;
                            /** @enum {string} */
                            kind: "sms";
                        };
                        recovery_codes?: string[];
                    };
                };
            };
        };
    };
    startTotpEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        otpauth_uri: string;
                        /** @description The otpauth URI as a QR code (SVG) */
                        qr_svg: string;
                        /** @description base32 */
                        secret: string;
                    };
                };
            };
        };
    };
    confirmTotpEnrolment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recovery_codes: string[];
                    };
                };
            };
        };
    };
    finishPasskeyRegistration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    challenge_id: string;
                    name?: string;
                    response: {
                        /** @enum {string} */
                        authenticatorAttachment?: "platform" | "cross-platform";
                        /** @default {} */
                        clientExtensionResults?: {
                            [key: string]: unknown;
                        };
                        id: string;
                        rawId: string;
                        response: {
                            attestationObject: string;
                            clientDataJSON: string;
                            transports?: string[];
                        } & {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        type: "public-key";
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        factor: {
                            created_at: string;
                            id: string;
                            /** @enum {string} */
                            kind: "webauthn";
                            name: string | null;
                        };
                        recovery_codes?: string[];
                    };
                };
            };
        };
    };
    getPasskeyRegistrationOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        challenge_id: string;
                        /** @description PublicKeyCredentialCreationOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
    };
    getPagesConfig: {
        parameters: {
            query?: {
                return_to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accent: string;
                        captcha: {
                            provider: string;
                            site_key: string;
                        } | null;
                        /** @enum {string} */
                        default_locale: "en" | "de";
                        locales: ("en" | "de")[];
                        logo_url: string | null;
                        passkeys: boolean;
                        password: {
                            max_length: number;
                            min_length: number;
                            min_score: number;
                            policy: string;
                        };
                        privacy_url: string | null;
                        product_name: string;
                        return_to: string | null;
                        sms: boolean;
                        support_url: string | null;
                        terms_url: string | null;
                    };
                };
            };
        };
    };
    checkPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email?: string;
                    multi_factor?: boolean;
                    password: string;
                    username?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        acceptable: boolean;
                        code: ("password_too_short" | "password_too_long" | "password_invalid_characters" | "password_common" | "password_contains_identifier" | "password_too_weak") | null;
                        min_length: number;
                        score: number;
                    };
                };
            };
        };
    };
    requestRecovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    channel?: "email" | "sms";
                    code?: string;
                    identifier: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Only when masked hints are switched on */
                        hint?: string;
                        /** @enum {string} */
                        status: "accepted";
                    };
                };
            };
        };
    };
    completeRecovery: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    code?: string;
                    password: string;
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "password_changed";
                    };
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sessions: {
                            /** @description What the login proved, as RFC 8176 authentication method references: pwd (password), otp (TOTP, recovery or emailed code), sms, hwk (device-bound passkey), swk (synced passkey), mfa (more than one factor); a re-authentication adds the method it used */
                            amr: string[];
                            created_at: string;
                            current: boolean;
                            /** @description User agent of the client that logged in */
                            device: string | null;
                            expires_at: string;
                            id: string;
                            idle_expires_at: string;
                            ip: string | null;
                            last_seen_at: string;
                        }[];
                    };
                };
            };
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    identifier: string;
                    password: string;
                    /**
                     * @description required: an account with a second factor is asked for it even on a remembered device (an application requires one); an account without factors still gets its session
                     * @enum {string}
                     */
                    second_factor?: "required";
                };
            };
        };
        responses: {
            /** @description The account has a second factor: complete with POST /v1/sessions/mfa within 5 minutes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        challenge_id: string;
                        methods: string[];
                        /** @enum {boolean} */
                        mfa_required: true;
                    };
                };
            };
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description For a device the account did not know: keep it (gh_device cookie or X-Gatehouse-Device header) */
                        device_token?: string;
                        expires_at: string;
                        token: string;
                    };
                };
            };
            /** @description invalid_credentials, alike for every failure */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        status: number;
                        title: string;
                        type: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description After a right password only: password_reset_required (a campaign requires a reset) or email_unverified (login by username or phone before the address is verified) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: string;
                        status: number;
                        title: string;
                        type: string;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
    revokeOtherSessions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        revoked: number;
                    };
                };
            };
        };
    };
    revokeSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    getCurrentSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        account: {
                            id: string;
                            /** @description The language of the account's mails and texts (PUT /v1/me/locale); null until one is named, then they follow the browser's language or the default */
                            locale: ("en" | "de") | null;
                            /** @description The account's role requires a second factor: set one up before anything else */
                            mfa_enrolment_required: boolean;
                            must_change_password: boolean;
                            /**
                             * @description The account's role: what it may do in Gatehouse and in the services that trust it
                             * @enum {string}
                             */
                            role: "user" | "admin" | "partner" | "responder" | "auditor";
                            username: string;
                        };
                        session: {
                            /** @description What the login proved, as RFC 8176 authentication method references: pwd (password), otp (TOTP, recovery or emailed code), sms, hwk (device-bound passkey), swk (synced passkey), mfa (more than one factor); a re-authentication adds the method it used */
                            amr: string[];
                            /** @description When the holder last proved who they are */
                            authenticated_at: string;
                            created_at: string;
                            current: boolean;
                            /** @description User agent of the client that logged in */
                            device: string | null;
                            expires_at: string;
                            id: string;
                            idle_expires_at: string;
                            ip: string | null;
                            last_seen_at: string;
                        };
                    };
                };
            };
        };
    };
    deleteCurrentSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Done: no body */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    reauthenticate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    password: string;
                } | {
                    code: string;
                    /** @enum {string} */
                    method: "totp" | "recovery_code";
                } | {
                    assertion: {
                        /** @enum {string} */
                        authenticatorAttachment?: "platform" | "cross-platform";
                        /** @default {} */
                        clientExtensionResults?: {
                            [key: string]: unknown;
                        };
                        id: string;
                        rawId: string;
                        response: {
                            authenticatorData: string;
                            clientDataJSON: string;
                            signature: string;
                            userHandle?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        type: "public-key";
                    };
                    /** @enum {string} */
                    method: "webauthn";
                    webauthn_challenge_id: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        authenticated_at: string;
                    };
                };
            };
        };
    };
    getReauthPasskeyOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description PublicKeyCredentialRequestOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        };
                        webauthn_challenge_id: string;
                    };
                };
            };
        };
    };
    completeSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description webauthn: navigator.credentials.get() as JSON */
                    assertion?: {
                        /** @enum {string} */
                        authenticatorAttachment?: "platform" | "cross-platform";
                        /** @default {} */
                        clientExtensionResults?: {
                            [key: string]: unknown;
                        };
                        id: string;
                        rawId: string;
                        response: {
                            authenticatorData: string;
                            clientDataJSON: string;
                            signature: string;
                            userHandle?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        type: "public-key";
                    };
                    challenge_id: string;
                    /** @description totp, email, sms and recovery_code */
                    code?: string;
                    /** @enum {string} */
                    method: "totp" | "webauthn" | "email" | "sms" | "recovery_code";
                    /** @description Skip the second factor on this device for 30 days (GATEHOUSE_REMEMBER_DEVICE_DAYS); never the password */
                    remember_device?: boolean;
                    /** @description webauthn: from POST /v1/sessions/mfa/webauthn/options */
                    webauthn_challenge_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description For a device the account did not know: keep it (gh_device cookie or X-Gatehouse-Device header) */
                        device_token?: string;
                        expires_at: string;
                        token: string;
                    };
                };
            };
        };
    };
    sendSecondFactorCode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    challenge_id: string;
                    /** @enum {string} */
                    method: "email" | "sms";
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "sent";
                    };
                };
            };
        };
    };
    getSecondFactorPasskeyOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    challenge_id: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description PublicKeyCredentialRequestOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        };
                        webauthn_challenge_id: string;
                    };
                };
            };
        };
    };
    reportNotMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "locked";
                    };
                };
            };
        };
    };
    createPasskeySession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    assertion: {
                        /** @enum {string} */
                        authenticatorAttachment?: "platform" | "cross-platform";
                        /** @default {} */
                        clientExtensionResults?: {
                            [key: string]: unknown;
                        };
                        id: string;
                        rawId: string;
                        response: {
                            authenticatorData: string;
                            clientDataJSON: string;
                            signature: string;
                            userHandle?: string;
                        } & {
                            [key: string]: unknown;
                        };
                        /** @enum {string} */
                        type: "public-key";
                    };
                    challenge_id: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description For a device the account did not know: keep it (gh_device cookie or X-Gatehouse-Device header) */
                        device_token?: string;
                        expires_at: string;
                        token: string;
                    };
                };
            };
        };
    };
    getPasskeySignInOptions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        challenge_id: string;
                        /** @description PublicKeyCredentialRequestOptionsJSON */
                        options: {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
    };
}
