// Generated from openapi/openapi.json by openapi-typescript: run `npm run openapi`, do not edit.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
            };
        };
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
        /** The code store and the database answer, and no shutdown has begun */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description A store does not answer, or the process is shutting down. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A signed checkpoint of the app's audit log
         * @description The newest signed checkpoint of the calling app's Merkle log (signed now if the log grew since), or the one of exactly `size` events. C2SP tlog-checkpoint in a C2SP signed-note, Ed25519 (README, Signed checkpoints).
         */
        get: {
            parameters: {
                query?: {
                    size?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The checkpoint. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditCheckpoint"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/checkpoint/key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The key that signs audit checkpoints
         * @description The deployment's Ed25519 checkpoint key (AUDIT_SIGNING_KEY, or derived from SECRET_KEY): give it to whoever verifies your checkpoints, out of band.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The public key. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditCheckpointKey"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prove the app's audit log only grew
         * @description RFC 9162 consistency proof that the calling app's log of `from` events is a prefix of its log of `to` events (default: the newest signed checkpoint). Keep an older checkpoint, ask for this, and a removed or rewritten past shows.
         */
        get: {
            parameters: {
                query: {
                    from: number;
                    to?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The proof. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditConsistencyProof"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search the app's audit trail
         * @description One page of the app's audit events, newest first unless `order=asc`. Pages follow with `cursor`, which stays exact while rows are appended: no event is skipped or repeated. A wrong filter is a 422 `invalid_filter` naming it in `field`.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 3166-1 alpha-2 country of a national `phone`. */
                    country?: string;
                    /** @description The previous page's `next_cursor`; valid only with the same filters and order. */
                    cursor?: string;
                    /** @description An end-user address, or a CIDR range. */
                    ip?: string;
                    /** @description Events per page, 1 to 1000 (default 100). */
                    limit?: string;
                    /** @description `desc` (newest first, the default) or `asc`. */
                    order?: string;
                    /** @description Exact outcome (`ok`, `refused`, `failed`, …). */
                    outcome?: string;
                    /** @description A number in E.164, or national with `country`: matched through its HMAC, never stored. */
                    phone?: string;
                    /** @description A `phone_hmac` value, exactly (instead of `phone`). */
                    phone_hmac?: string;
                    /** @description Exact purpose of the verification. */
                    purpose?: string;
                    /** @description Exact reason (a limit name, a refusal code, …). */
                    reason?: string;
                    /** @description created_at at or after this instant (RFC 3339, or a date). */
                    since?: string;
                    /** @description Event types; repeat the parameter or separate them with commas. One of: verification.created, verification.refused, verification.resent, verification.canceled, sms.sent, sms.failed, sms.delivered, sms.undelivered, sms.inbound, check.approved, check.wrong, check.refused, limit.hit, pumping.trip, phone.locked, phone.unlocked, key.created, key.revoked, app.updated, totp.enrolled, totp.confirmed, totp.verified, totp.failed, totp.deleted, totp.listed, console.signed_in, console.signin_failed, console.signed_out, audit.exported, lead.created, lead.verified, lead.unverified, lead.qualified, lead.exported, consent.granted, consent.withdrawn, consent.blocked, signature.requested, signature.signed, signature.canceled, signature.failed, signature.document_mismatch, signature.evidence_built, subject.erased, retention.applied. */
                    type?: string | string[];
                    /** @description created_at before this instant (RFC 3339, or a date). */
                    until?: string;
                    /** @description One verification. */
                    verification_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of events. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditEventPage"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read one audit event
         * @description One of the app's events; another app's event is a 404 like an unknown one.
         */
        get: {
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
                /** @description The event. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditEvent"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events/{id}/proof": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prove an event is in the app's audit log
         * @description RFC 9162 inclusion proof of one of the calling app's events in its Merkle log of `size` events (default: the newest signed checkpoint, included). Check it offline with `tessera audit verify-proof`.
         */
        get: {
            parameters: {
                query?: {
                    size?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The proof. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditInclusionProof"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/events/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the audit trail
         * @description Every event matching the filters (as for the search, without `limit` and `cursor`) up to the newest row when the export starts, streamed. The last line is a trailer with the row count and the SHA-256 of what came before it; an export without it was cut. CSV cells that a spreadsheet would run as a formula start with `'`.
         */
        get: {
            parameters: {
                query?: {
                    /** @description ISO 3166-1 alpha-2 country of a national `phone`. */
                    country?: string;
                    /** @description `ndjson` (the default) or `csv`. */
                    format?: string;
                    /** @description An end-user address, or a CIDR range. */
                    ip?: string;
                    /** @description `desc` (newest first, the default) or `asc`. */
                    order?: string;
                    /** @description Exact outcome (`ok`, `refused`, `failed`, …). */
                    outcome?: string;
                    /** @description A number in E.164, or national with `country`: matched through its HMAC, never stored. */
                    phone?: string;
                    /** @description A `phone_hmac` value, exactly (instead of `phone`). */
                    phone_hmac?: string;
                    /** @description Exact purpose of the verification. */
                    purpose?: string;
                    /** @description Exact reason (a limit name, a refusal code, …). */
                    reason?: string;
                    /** @description created_at at or after this instant (RFC 3339, or a date). */
                    since?: string;
                    /** @description Event types; repeat the parameter or separate them with commas. One of: verification.created, verification.refused, verification.resent, verification.canceled, sms.sent, sms.failed, sms.delivered, sms.undelivered, sms.inbound, check.approved, check.wrong, check.refused, limit.hit, pumping.trip, phone.locked, phone.unlocked, key.created, key.revoked, app.updated, totp.enrolled, totp.confirmed, totp.verified, totp.failed, totp.deleted, totp.listed, console.signed_in, console.signin_failed, console.signed_out, audit.exported, lead.created, lead.verified, lead.unverified, lead.qualified, lead.exported, consent.granted, consent.withdrawn, consent.blocked, signature.requested, signature.signed, signature.canceled, signature.failed, signature.document_mismatch, signature.evidence_built, subject.erased, retention.applied. */
                    type?: string | string[];
                    /** @description created_at before this instant (RFC 3339, or a date). */
                    until?: string;
                    /** @description One verification. */
                    verification_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The events, then the trailer line. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                        "text/csv": string;
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The app's SMS outcomes per bucket
         * @description Sent, delivered, approved, failed and refused (by reason), conversion and delivery rate, per country, purpose, route or hour, over at most 366 days of whole hours, for the key's own app. Read from hourly counts written with the audit events, never by scanning them.
         */
        get: {
            parameters: {
                query?: {
                    /** @description One of country, purpose, hour, route (default country). */
                    group_by?: string;
                    /** @description ISO 8601 date or date-time with offset, rounded down to the hour; default 30 days before until. */
                    since?: string;
                    /** @description Excluded, rounded up to the hour; default now. */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The stats. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditStats"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verifications/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A verification's timeline
         * @description Every audit event of one verification, oldest first, and each SMS it sent with its route, the provider message id and the delivery receipt. Read from the trail, so it outlives the verification.
         */
        get: {
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
                /** @description The timeline. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VerificationTimeline"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the hash chain and the app's Merkle log
         * @description The chain is one for all apps: every event up to the app's newest one is rehashed and linked, in batches, but only the app's own events are counted or named. A break in another app's rows is reported without its id, by the app's first event after it. Reads the whole chain up to there: one check runs at a time. Then the app's Merkle log is rebuilt from its rows up to its newest signed checkpoint and its root compared with the signed one (`log`); `ok` is true only when both hold.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The chain state (ok false when broken). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuditChainState"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A number's marketing consent
         * @description The current state (the latest grant or withdrawal), whether the number is on the opposition list, and every consent record, oldest first.
         */
        get: {
            parameters: {
                query: {
                    country?: string;
                    phone: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The state and history. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConsentState"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consents/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Withdraw SMS marketing consent
         * @description Appends a withdrawal and puts the number on the opposition list of the app, whatever its state was. Codes (verifications) still go out to it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["WithdrawConsent"];
                };
            };
            responses: {
                /** @description The state after the withdrawal. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConsentState"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/dev/outbox": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Messages the console route sent (development only)
         * @description Development only: this operation does not exist in production (`NODE_ENV=production` answers 404), and a client must not depend on it. Newest first, only this app’s messages. Process memory only.
         */
        get: {
            parameters: {
                query: {
                    country?: string;
                    to: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The messages. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DevOutbox"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List leads
         * @description Newest first. `next_cursor` continues the same list; it is signed and only valid with the same filters.
         */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor of the previous page. */
                    cursor?: string;
                    limit?: number;
                    /** @description Created at or after (RFC 3339). */
                    since?: string;
                    source?: string;
                    status?: "pending_verification" | "verified" | "unverified";
                    /** @description Created before (RFC 3339). */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One page. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LeadPage"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a lead and send its code
         * @description Starts a `lead` verification of the number; the right code (the ordinary `POST /v1/verify/{id}/check`) makes the lead `verified` and, where `marketing_consent.granted` is `true`, records the consent. Idempotency-Key as on `POST /v1/verify`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Same key and body within 24 h: the first response is replayed and nothing is sent again. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateLead"];
                };
            };
            responses: {
                /** @description The lead, and the verification whose code was sent. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedLead"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leads/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a lead
         * @description Status, masked number, consent, current qualification and its history, and signals: codes sent, attempts, seconds from the first send to the verification.
         */
        get: {
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
                /** @description The lead. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LeadDetail"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leads/{id}/qualification": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Qualify a lead
         * @description Appends a qualification (stage, BANT, score 0-100, note) and makes it the current one; earlier ones stay in the history.
         */
        post: {
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
                    "application/json": components["schemas"]["QualifyLead"];
                };
            };
            responses: {
                /** @description The lead with its new qualification. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Lead"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leads/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export leads
         * @description Every lead matching the filters, newest first, streamed: CSV (cells a spreadsheet would run as a formula are prefixed with `'`) or NDJSON (one lead per line, as GET /v1/leads/{id} shows it, without history). Consent is not in the export (`consent` is null): read it per number with GET /v1/consents, which shows its proof.
         */
        get: {
            parameters: {
                query?: {
                    format?: "csv" | "ndjson";
                    /** @description Created at or after (RFC 3339). */
                    since?: string;
                    source?: string;
                    status?: "pending_verification" | "verified" | "unverified";
                    /** @description Created before (RFC 3339). */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The export. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                        "text/csv": string;
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/providers/{route}/receipts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Delivery report callback of a Kannel route
         * @description Kannel's dlr-url, called with GET and authenticated by the route's `receiptSecret` in `?secret=`. `ref` is the verification id Tessera put in the URL, `status` Kannel's report type (`%d`): 1 delivered, 2 undeliverable, 16 rejected by the SMSC; 4 (buffered) and 8 (accepted by the SMSC) change nothing. The same URL takes replies from phones (MO) as an sms-service `get-url` with `from=%p&text=%a` (a STOP withdraws marketing consent). Kannel routes only.
         */
        get: {
            parameters: {
                query: {
                    /** @description MO: the sender (`%p`). */
                    from?: string;
                    ref?: string;
                    secret: string;
                    status?: string;
                    /** @description MO: the text (`%a`). */
                    text?: string;
                };
                header?: never;
                path: {
                    route: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Recorded (or ignored: a message Tessera does not know). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Delivery receipt callback of an SMS route
         * @description Called by the provider, authenticated by the route's `receiptSecret` in `?secret=`. Twilio routes take Twilio's StatusCallback form, signed with the route's auth token (`X-Twilio-Signature` over `PUBLIC_URL` + path + query and the form; 401 otherwise); `http` and `console` routes take the JSON below. Updates the verification's `delivery.status` and appends an `sms.delivered` / `sms.undelivered` audit row. SMPP routes receive receipts on their session instead; Kannel routes call the GET form.
         */
        post: {
            parameters: {
                query: {
                    secret: string;
                };
                header?: never;
                path: {
                    route: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["DeliveryReceipt"] | components["schemas"]["InboundMessage"];
                    "application/x-www-form-urlencoded": {
                        [key: string]: string;
                    };
                };
            };
            responses: {
                /** @description Recorded (or ignored: a message Tessera does not know). */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask a signer to sign a document
         * @description Sends the signer a code by SMS naming the document (its title shortened to keep one SMS where possible). The code is bound to this signature, the signer and the document SHA-256. A new request for the same signer and document, or to the same number, cancels the pending one. Idempotency-Key as on `POST /v1/verify`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Same key and body within 24 h: the first response is replayed and nothing is sent again. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateSignature"];
                };
            };
            responses: {
                /** @description The pending signature and its verification. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedSignature"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signatures/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a signature
         * @description Its status (`pending`, `signed`, `canceled`, `failed`, `expired`), signer, document.
         */
        get: {
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
                /** @description The signature. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signature"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signatures/{id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign with the code
         * @description The right code with the document hash the signature was requested for signs (`status: "signed"`, once, even under parallel confirmations). Another document hash never signs: 409 `document_mismatch`, one attempt spent. A wrong code answers like `POST /v1/verify/{id}/check` (`valid: false`, `attempts_remaining`); a signature no longer pending answers `valid: false` with its status.
         */
        post: {
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
                    "application/json": components["schemas"]["ConfirmSignature"];
                };
            };
            responses: {
                /** @description The verdict. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignatureConfirmation"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/signatures/{id}/evidence": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A signed signature's evidence file
         * @description The proof file (README, Signatures): signer, document, consent, every event with its UTC time, SMS route, provider message id and receipt, attempts, client addresses, and each audit event with its inclusion proof against a signed checkpoint of the app's log (signed on demand). Frozen at signing: the same bytes every time, whose SHA-256 the confirmation answered (header `Evidence-SHA256`). `format=pdf`: the same facts as a report for people. Checked offline with `tessera evidence verify`.
         */
        get: {
            parameters: {
                query?: {
                    format?: "json" | "pdf";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The evidence file, or its report. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                        "application/pdf": string;
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subjects/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase a person's data (GDPR art. 17)
         * @description Deletes the number's leads, qualifications, consent records, opposition entry and failed-check lock in the app, then its subject key: every HMAC rows about it carry (audit rows included) then points at nobody, while the audit chain and Merkle proofs still verify. Idempotent: erasing again removes nothing more. Recorded as `subject.erased`, without the number.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EraseSubject"];
                };
            };
            responses: {
                /** @description What was removed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Erasure"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/totp/factors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user's TOTP factors
         * @description Live (not deleted) factors of the user, oldest first. Never a secret.
         */
        get: {
            parameters: {
                query: {
                    user_ref: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The factors. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TotpFactorList"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Enrol a TOTP factor
         * @description Creates an unverified factor with a fresh 160-bit secret (RFC 6238). The secret, the otpauth URI and the QR code are in this answer only; confirm the factor with a code to activate it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EnrolTotpFactor"];
                };
            };
            responses: {
                /** @description The unverified factor and its secret. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TotpEnrolment"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/totp/factors/{id}": {
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
         * Delete a TOTP factor
         * @description The factor stops verifying at once; its secret and recovery codes are erased. Another app's factor is a 404.
         */
        delete: {
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
                /** @description The deleted factor. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TotpFactor"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/totp/factors/{id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm a TOTP factor
         * @description A current code from the authenticator activates the factor and returns its 10 recovery codes (shown once). A wrong code is a 422 `invalid_code` and spends one failed attempt of the user.
         */
        post: {
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
                    "application/json": components["schemas"]["ConfirmTotpFactor"];
                };
            };
            responses: {
                /** @description The verified factor and its recovery codes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TotpConfirmation"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/totp/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Verify a user's TOTP code or recovery code
         * @description Accepts the current time step ±1 (server clock). A step once accepted is never accepted again, and a recovery code is used up. A wrong code is an answer (`valid: false`), not an error.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VerifyTotp"];
                };
            };
            responses: {
                /** @description The verdict. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TotpVerdict"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a code
         * @description A new verification for the same number and purpose cancels the pending one. At least 30 s between two sends to a number, new verification or resend (429 `resend_cooldown`); a request outside its app's code policy is a 422 `outside_code_policy`.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Same key and body within 24 h: the first response is replayed and nothing is sent again. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StartVerification"];
                };
            };
            responses: {
                /** @description The code was sent. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Verification"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a verification
         * @description The state of a verification (the number is masked).
         */
        get: {
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
                /** @description The verification. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Verification"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Cancel a verification
         * @description A pending verification becomes `canceled`; one that already ended is returned unchanged.
         */
        delete: {
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
                /** @description The verification. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Verification"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a code
         * @description A wrong code is an answer (`valid: false`), not an error; one attempt is spent. A check on a verification that is no longer pending answers `valid: false` with its status.
         */
        post: {
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
                    "application/json": components["schemas"]["CheckCode"];
                };
            };
            responses: {
                /** @description The verdict. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CheckResult"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a new code on the same verification
         * @description The previous code stops working; attempts are not refilled. At least 30 s since the last send to the number, by this verification or another (429 `resend_cooldown`), at most 5 sends (429 `verification_sends`).
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Same key and body within 24 h: the first response is replayed and nothing is sent again. */
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Resend"];
                };
            };
            responses: {
                /** @description A new code was sent. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Verification"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The resource is in a state that does not allow this. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked. */
                423: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A limit was hit; `Retry-After` says when to try again and `limit` names it. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the app's webhook endpoints */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every endpoint of the app, oldest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endpoints: components["schemas"]["WebhookEndpoint"][];
                        };
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a webhook endpoint
         * @description Events are POSTed to `url` as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), retried with backoff. The URL must be https and resolve only to public addresses (unless the deployment allows loopback or private ranges): 422 `webhook_url_refused` otherwise. The signing secret is in the answer, once.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateWebhook"];
                };
            };
            responses: {
                /** @description The endpoint and its signing secret. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Well-formed values that are wrong (e.g. `invalid_phone_number`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a webhook endpoint
         * @description Its secret is never shown again. Another app's endpoint is a 404.
         */
        get: {
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
                /** @description The endpoint. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookEndpoint"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a webhook endpoint
         * @description Nothing more is sent to it, pending deliveries included; its delivery log goes with it.
         */
        delete: {
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
                /** @description Deleted. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A webhook endpoint's delivery log
         * @description Newest first: each event sent (or to be sent) to the endpoint, its attempts, the last answer or error, and whether it was delivered or given up (`failed`, after the last retry).
         */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    status?: "pending" | "delivered" | "failed";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The deliveries. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveries: components["schemas"]["WebhookDelivery"][];
                        };
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook endpoint's signing secret
         * @description A new secret, shown once. For 24 hours each delivery carries two signatures (`webhook-signature` lists both), so a receiver can switch secrets without missing an event.
         */
        post: {
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
                /** @description The endpoint and its new secret. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                    };
                };
                /** @description The body is not JSON, nests deeper than 32 levels or breaks the schema (`invalid_request`). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing or unknown API key (`unauthorized`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The key lacks the scope this endpoint needs (`forbidden`). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such resource for this app. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/Services/{ServiceSid}/VerificationCheck": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a code (Twilio Verify)
         * @description As `POST /v1/verify/{id}/check`, with the same limits and audit rows. A wrong code answers 200 `valid: false`. As Twilio does, a verification that already ended (approved, expired, canceled) is a 404 20404, and one out of attempts a 429 60202; neither spends anything.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any `VA` sid: the key, not the sid, chooses the app. */
                    ServiceSid: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/x-www-form-urlencoded": components["schemas"]["TwilioCheckVerification"];
                };
            };
            responses: {
                /** @description The verdict. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioVerificationCheck"];
                    };
                };
                /** @description Invalid parameter (60200), unsupported channel (60223) or feature (60204). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No valid API key as the Basic password (20003). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The key lacks `verify` (20403), or the destination is not enabled (60605). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No such verification (20404); also one that already ended, for a check. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Max send attempts (60203), max check attempts (60202), SMS pumping watch (60410), other limits (20429); `Retry-After` says when. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description A store or the SMS route is unavailable (20503); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/Services/{ServiceSid}/Verifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a code (Twilio Verify)
         * @description As `POST /v1/verify` with purpose `login`. While the number has a pending verification, a new code is sent on it (same sid, as Twilio does), under the resend rules.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any `VA` sid: the key, not the sid, chooses the app. */
                    ServiceSid: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/x-www-form-urlencoded": components["schemas"]["TwilioCreateVerification"];
                };
            };
            responses: {
                /** @description The code was sent. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioVerification"];
                    };
                };
                /** @description Invalid parameter (60200), unsupported channel (60223) or feature (60204). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No valid API key as the Basic password (20003). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The key lacks `verify` (20403), or the destination is not enabled (60605). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No such verification (20404); also one that already ended, for a check. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Max send attempts (60203), max check attempts (60202), SMS pumping watch (60410), other limits (20429); `Retry-After` says when. */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description A store or the SMS route is unavailable (20503); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/Services/{ServiceSid}/Verifications/{Sid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read a verification (Twilio Verify)
         * @description As `GET /v1/verify/{id}`; an ended verification stays readable for an hour.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any `VA` sid: the key, not the sid, chooses the app. */
                    ServiceSid: string;
                    /** @description The verification sid (`VE…`), or the E.164 number of its pending verification. */
                    Sid: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The verification. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioVerification"];
                    };
                };
                /** @description No valid API key as the Basic password (20003). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The key lacks `verify` (20403), or the destination is not enabled (60605). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No such verification (20404); also one that already ended, for a check. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description A store or the SMS route is unavailable (20503); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Cancel a verification (Twilio Verify)
         * @description `Status=canceled` as `DELETE /v1/verify/{id}` (an ended verification is returned unchanged). `Status=approved` is refused (60204): Twilio offers it for custom codes, and a Tessera verification is approved only by its code.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Any `VA` sid: the key, not the sid, chooses the app. */
                    ServiceSid: string;
                    /** @description The verification sid (`VE…`), or the E.164 number of its pending verification. */
                    Sid: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/x-www-form-urlencoded": components["schemas"]["TwilioUpdateVerification"];
                };
            };
            responses: {
                /** @description The verification. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioVerification"];
                    };
                };
                /** @description Invalid parameter (60200), unsupported channel (60223) or feature (60204). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No valid API key as the Basic password (20003). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The key lacks `verify` (20403), or the destination is not enabled (60605). */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description No such verification (20404); also one that already ended, for a check. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
                /** @description The body is larger than 64 KiB (`payload_too_large`). */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description A store or the SMS route is unavailable (20503); nothing was changed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TwilioError"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AuditChainState: {
            /** @description When not ok and the first event that does not fit is another app's: the app's first event after it, from which the chain no longer vouches for the app's events. */
            break_before_event_id: string | null;
            /** @description When not ok and the first event that does not fit is the app's own: its id. */
            broken_event_id: string | null;
            /** @description The app's events found intact (other apps' are checked, not counted). */
            events_checked: number;
            head_event_id: string | null;
            /** @description The hash of the app's newest intact event: keep it elsewhere, a later check must still reach it. */
            head_hash: string | null;
            log: components["schemas"]["AuditLogState"];
            /** @description Whether every one of the app's events is vouched for by an intact chain and its Merkle log matches its newest signed checkpoint. */
            ok: boolean;
        };
        AuditCheckpoint: {
            /** Format: date-time */
            created_at: string;
            /** @description The C2SP signed note (tlog-checkpoint text, a blank line, the Ed25519 signature line), byte for byte: verify this, not the fields beside it. */
            note: string;
            /** @example tessera.example.com/app_0123456789abcdef */
            origin: string;
            /**
             * @description A SHA-256 hash, base64 (RFC 4648 §4).
             * @example UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=
             */
            root_hash: string;
            tree_size: number;
        };
        AuditCheckpointKey: {
            /** @enum {string} */
            algorithm: "ed25519";
            /**
             * @description SHA-256(name || 0x0A || 0x01 || public key)[:4], hex.
             * @example 4404a816
             */
            key_id: string;
            /** @example tessera.example.com */
            name: string;
            /** @description The raw 32-byte Ed25519 public key, base64. */
            public_key: string;
            /**
             * @description Go's golang.org/x/mod/sumdb/note verifier key: <name>+<key id>+<base64(0x01 || key)>.
             * @example tessera.example.com+4404a816+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs
             */
            verifier_key: string;
        };
        AuditConsistencyProof: {
            checkpoints: {
                from: components["schemas"]["AuditCheckpoint"] & (Record<string, never> | null);
                to: components["schemas"]["AuditCheckpoint"] & (Record<string, never> | null);
            };
            /** @description RFC 9162 §2.1.4.1 PROOF(from, D[to]). */
            consistency_path: string[];
            from: number;
            /**
             * @description A SHA-256 hash, base64 (RFC 4648 §4).
             * @example UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=
             */
            from_root: string;
            to: number;
            /**
             * @description A SHA-256 hash, base64 (RFC 4648 §4).
             * @example UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=
             */
            to_root: string;
        };
        AuditEvent: {
            app_id: string;
            client_ip: string | null;
            /** Format: date-time */
            created_at: string;
            detail: {
                [key: string]: unknown;
            };
            /** @description SHA-256(prev_hash || canonical event), hex. */
            hash: string;
            /** @example evt_Xc1kQ9m2RZ0aLbH7u3pN4w */
            id: string;
            /** @example ok */
            outcome: string;
            /** @description HMAC of the number under the app's own key; a pseudonym. */
            phone_hmac: string | null;
            /** @example +33 6•• •• •• 78 */
            phone_masked: string | null;
            prev_hash: string;
            purpose: string | null;
            reason: string | null;
            /** @description Place in the hash chain. */
            seq: number;
            /** @example sms.sent */
            type: string;
            user_agent: string | null;
            verification_id: string | null;
        };
        AuditEventPage: {
            events: components["schemas"]["AuditEvent"][];
            /** @description Pass as `cursor` for the next page; null after the last row. */
            next_cursor: string | null;
        };
        AuditInclusionProof: {
            checkpoint: components["schemas"]["AuditCheckpoint"] & (Record<string, never> | null);
            /** @description The event as an export line (README, Offline verification): its leaf data. */
            event: {
                [key: string]: unknown;
            };
            /** @description RFC 9162 §2.1.3.1 PATH(leaf_index, D[tree_size]), nearest sibling first. */
            inclusion_path: string[];
            /**
             * @description A SHA-256 hash, base64 (RFC 4648 §4).
             * @example UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=
             */
            leaf_hash: string;
            leaf_index: number;
            /**
             * @description A SHA-256 hash, base64 (RFC 4648 §4).
             * @example UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=
             */
            root_hash: string;
            tree_size: number;
        };
        AuditLogState: {
            /** @description When not ok and an event of the app is found changed or missing: its id. */
            broken_event_id: string | null;
            /** @description The number of events the newest checkpoint covers; null when there is none yet. */
            checkpoint_size: number | null;
            /** @description Whether the app's rows rebuild the Merkle root of its newest signed checkpoint (true when it has none yet). */
            ok: boolean;
            /** @description When not ok: what does not match. */
            problem: string | null;
            /** @description The root (base64) the newest checkpoint signs; null when there is none yet. */
            root_hash: string | null;
            /** @description The leaves recomputed from the rows before the check ended. */
            tree_size: number;
        };
        AuditStats: {
            buckets: components["schemas"]["AuditStatsBucket"][];
            /** @enum {string} */
            group_by: "country" | "purpose" | "hour" | "route";
            since: string;
            total: components["schemas"]["AuditStatsFigures"];
            until: string;
        };
        AuditStatsBucket: components["schemas"]["AuditStatsFigures"] & {
            /** @description The country, purpose, route, or the hour (UTC, ISO 8601); null when not recorded. */
            key: string | null;
        };
        AuditStatsFigures: {
            /** @description Codes approved (check.approved). */
            approved: number;
            /** @description approved ÷ sent; null if 0 sent. */
            conversion: number | null;
            /** @description Delivery receipts (sms.delivered). */
            delivered: number;
            /** @description delivered ÷ sent; null if 0 sent. */
            delivery_rate: number | null;
            /** @description sms.failed and sms.undelivered. */
            failed: number;
            failed_by_reason: {
                [key: string]: number;
            };
            /** @description Requests refused by a limit or a blocked destination. */
            refused: number;
            refused_by_reason: {
                [key: string]: number;
            };
            /** @description SMS sent (sms.sent; resends included). */
            sent: number;
        };
        Bant: {
            /** @default null */
            authority?: string | null;
            /** @default null */
            budget?: string | null;
            /** @default null */
            need?: string | null;
            /** @default null */
            timeline?: string | null;
        };
        CheckCode: {
            client?: components["schemas"]["Client"];
            /** @example 123456 */
            code: string;
        };
        CheckResult: {
            attempts_remaining: number;
            id: string;
            status: components["schemas"]["VerificationStatus"];
            valid: boolean;
        };
        Client: {
            ip?: string;
            user_agent?: string;
        };
        ConfirmSignature: {
            client?: components["schemas"]["Client"];
            /** @example 123456 */
            code: string;
            /**
             * @description The SHA-256 of the document the signer was shown and signs.
             * @example a3f1c9e4b2d87f60e5c1a9b3d4f2e6c8a7b5d3f1e9c7a5b3d1f9e7c5a3b1d9f7
             */
            document_sha256: string;
        };
        ConfirmTotpFactor: {
            client?: components["schemas"]["Client"];
            /** @example 123456 */
            code: string;
        };
        ConsentRecord: {
            /** @enum {string} */
            action: "granted" | "withdrawn" | "blocked";
            /** Format: date-time */
            at: string;
            client_ip: string | null;
            lead_id: string | null;
            /** @enum {string} */
            method: "web_form_sms_code" | "api" | "sms_reply";
            reason: string | null;
            /** @description The SMS route a STOP came in on. */
            route: string | null;
            /** @description The exact text shown. */
            text: string | null;
            text_sha256: string | null;
            user_agent: string | null;
            version: string | null;
        };
        ConsentState: {
            history: components["schemas"]["ConsentRecord"][];
            /** @description On the opposition list: a new consent is recorded as `blocked` unless the person opts in again explicitly. */
            opposed: boolean;
            /** @description The masked number. */
            phone: string;
            /** Format: date-time */
            since: string | null;
            /** @enum {string} */
            state: "granted" | "withdrawn" | "none";
        };
        CreatedLead: components["schemas"]["Lead"] & {
            verification: components["schemas"]["Verification"] & (Record<string, never> | null);
        };
        CreatedSignature: components["schemas"]["Signature"] & {
            verification: components["schemas"]["Verification"] & unknown;
        };
        CreateLead: {
            /** @default {} */
            attributes?: {
                [key: string]: unknown;
            };
            client?: components["schemas"]["Client"];
            country?: string;
            /** @example ebook-download */
            form?: string;
            /** @example crm-123 */
            lead_ref?: string;
            /**
             * @description Where the app links recent verifications (setting leads.linkVerifiedWithinSeconds), false still sends a code.
             * @default true
             */
            link_recent_verification?: boolean;
            /**
             * @default en
             * @enum {string}
             */
            locale?: "en" | "fr";
            marketing_consent?: components["schemas"]["MarketingConsent"];
            /** @example +33612345678 */
            phone: string;
            /** @example landing-ebook */
            source?: string;
        };
        CreateSignature: {
            client?: components["schemas"]["Client"];
            /** @example Je signe le contrat de prêt et reconnais en avoir pris connaissance. */
            consent_text: string;
            document: {
                /** @example contract-2026-001 */
                id: string;
                /** @example a3f1c9e4b2d87f60e5c1a9b3d4f2e6c8a7b5d3f1e9c7a5b3d1f9e7c5a3b1d9f7 */
                sha256: string;
                /** @example Contrat de prêt */
                title: string;
            };
            /**
             * @default en
             * @enum {string}
             */
            locale?: "en" | "fr";
            signer: {
                country?: string;
                /** @example Jeanne Martin */
                name: string;
                /** @example +33612345678 */
                phone: string;
                /** @example user-42 */
                ref: string;
            };
        };
        CreateWebhook: {
            /** @default null */
            description?: string | null;
            events: ("verification.approved" | "verification.expired" | "verification.max_attempts" | "verification.canceled" | "sms.delivered" | "sms.undelivered" | "pumping.tripped" | "lead.verified" | "signature.signed")[];
            /** @example https://app.example.com/hooks/tessera */
            url: string;
        };
        DeliveryReceipt: {
            error_code?: string | null;
            message_id: string;
            /** @enum {string} */
            status: "queued" | "sent" | "delivered" | "undelivered" | "failed";
        };
        DevOutbox: {
            messages: {
                route: string;
                /** Format: date-time */
                sent_at: string;
                text: string;
                to: string;
            }[];
        };
        EnrolTotpFactor: {
            client?: components["schemas"]["Client"];
            /** @description Shown in the authenticator app; the app's brand when unset. */
            issuer?: string;
            /** @description Shown in the authenticator app; `user_ref` when unset. */
            label?: string;
            /** @example user_42 */
            user_ref: string;
        };
        EraseSubject: {
            country?: string;
            /** @example +33612345678 */
            phone: string;
        };
        Erasure: {
            /** @enum {boolean} */
            erased: true;
            /** @example +33 6•• •• •• 78 */
            phone: string;
            /**
             * @example {
             *       "leads": 2,
             *       "consent_records": 3,
             *       "consent_oppositions": 1,
             *       "phone_locks": 0
             *     }
             */
            removed: {
                [key: string]: number;
            };
            subject_key: boolean;
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        InboundMessage: {
            from: string;
            text: string;
        };
        Lead: {
            attributes: {
                [key: string]: unknown;
            };
            consent: components["schemas"]["LeadConsent"];
            country: string;
            /** Format: date-time */
            created_at: string;
            form: string | null;
            /** @example lead_2x4ZTk0OMv1hVqLbXh0Q3w */
            id: string;
            lead_ref: string | null;
            /** @description The earlier verified lead of this number this one links to (no code sent). */
            linked_lead_id: string | null;
            /**
             * @description The masked number.
             * @example +33 6•• •• •• 78
             */
            phone: string;
            qualification: components["schemas"]["LeadQualification"];
            signals: {
                attempts: number;
                seconds_to_verify: number | null;
                sends: number;
            };
            source: string | null;
            /** @enum {string} */
            status: "pending_verification" | "verified" | "unverified";
            /** @example expired */
            unverified_reason: string | null;
            /** Format: date-time */
            verified_at: string | null;
        };
        LeadConsent: {
            /** Format: date-time */
            at: string | null;
            granted: boolean;
            text_sha256: string;
            version: string;
            /** Format: date-time */
            withdrawn_at: string | null;
        } | null;
        LeadDetail: components["schemas"]["Lead"] & {
            qualification_history: {
                /** Format: date-time */
                at: string;
                bant: components["schemas"]["Bant"];
                note: string | null;
                score: number | null;
                /** @enum {string} */
                stage: "cold" | "warm" | "qualified" | "disqualified";
            }[];
        };
        LeadPage: {
            leads: components["schemas"]["Lead"][];
            next_cursor: string | null;
        };
        LeadQualification: {
            bant: components["schemas"]["Bant"];
            note: string | null;
            score: number | null;
            /** @enum {string} */
            stage: "cold" | "warm" | "qualified" | "disqualified";
            /** Format: date-time */
            updated_at: string;
        } | null;
        MarketingConsent: {
            /** @description Only the JSON value `true` is consent. Missing, null or false: no consent. Any other value (`"true"`, `1`) is refused with 422 `invalid_consent`. */
            granted?: boolean;
            /** @description The form asks a number that sent STOP to opt in again; without it, such a number stays opted out (README, Consent). */
            re_opt_in?: boolean;
            /** @description The exact text the person was shown; its SHA-256 is kept with the consent. */
            text?: string;
            version?: string;
        } | null;
        Problem: {
            /** @example invalid_request */
            code: string;
            detail: string;
            /** @description On invalid_request and invalid_filter: the fields at fault. */
            errors?: {
                message: string;
                path: string;
            }[];
            /** @description On 422 outside_code_policy: the field outside the app's policy. On 422 invalid_filter: the query parameter at fault. */
            field?: string;
            /** @description On 429: the name of the limit that was hit. On 422 outside_code_policy: the app's bound that `field` broke (its fewest digits, or its longest validity in seconds). */
            limit?: string | number;
            status: number;
            title: string;
            /** @example https://tessera.dev/problems/invalid_request */
            type: string;
        };
        QualifyLead: {
            bant?: components["schemas"]["Bant"];
            /** @default null */
            note?: string | null;
            /** @default null */
            score?: number | null;
            /** @enum {string} */
            stage: "cold" | "warm" | "qualified" | "disqualified";
        };
        Readiness: {
            checks: {
                [key: string]: "ok" | "unavailable";
            };
            /** @enum {string} */
            status: "ok" | "unavailable";
        };
        Resend: {
            client?: components["schemas"]["Client"];
        };
        Signature: {
            consent_sha256: string;
            /** Format: date-time */
            created_at: string;
            document: {
                id: string;
                sha256: string;
                title: string;
            };
            /** Format: date-time */
            ended_at: string | null;
            /** @example superseded */
            ended_reason: string | null;
            /** Format: date-time */
            expires_at: string;
            /** @example sig_2x4ZTk0OMv1hVqLbXh0Q3w */
            id: string;
            /** Format: date-time */
            signed_at: string | null;
            signer: {
                name: string;
                /**
                 * @description The masked number.
                 * @example +33 6•• •• •• 78
                 */
                phone: string;
                ref: string;
            };
            /** @enum {string} */
            status: "pending" | "signed" | "canceled" | "failed" | "expired";
            verification_id: string;
        };
        SignatureConfirmation: {
            attempts_remaining: number;
            /** @description SHA-256 of the evidence file (GET /v1/signatures/{id}/evidence), frozen at signing; null while it cannot be built yet. */
            evidence_sha256: string | null;
            id: string;
            /** Format: date-time */
            signed_at: string | null;
            /** @enum {string} */
            status: "pending" | "signed" | "canceled" | "failed" | "expired";
            valid: boolean;
        };
        StartVerification: {
            /**
             * @default sms
             * @enum {string}
             */
            channel?: "sms";
            client?: components["schemas"]["Client"];
            /**
             * @description Digits of the code. Within 4-10 (else 400), and at least the app's `codePolicy.minCodeLength` (6 unless its settings say otherwise; else 422 `outside_code_policy`). Default 6, or the app's minimum if higher.
             * @example 6
             */
            code_length?: number;
            /**
             * @description Needed when `to` is a national number.
             * @example FR
             */
            country?: string;
            /**
             * @default en
             * @enum {string}
             */
            locale?: "en" | "fr";
            /** @description Your own values, stored with the verification: at most 2 KiB of JSON, 8 levels deep. */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * @default login
             * @enum {string}
             */
            purpose?: "login" | "signup" | "password_reset" | "transaction" | "lead" | "signature" | "other";
            /** @example +33612345678 */
            to: string;
            /**
             * @description How long the code works, in seconds. Within 60-1800 (else 400), and at most the app's `codePolicy.maxTtlSeconds` (600 unless its settings say otherwise; else 422 `outside_code_policy`). Default 600, or the app's maximum if lower.
             * @example 600
             */
            ttl_seconds?: number;
        };
        TimelineMessage: {
            /** Format: date-time */
            at: string;
            event_id: string;
            /** @enum {string} */
            outcome: "sent" | "failed";
            provider_message_id: string | null;
            receipt: {
                /** Format: date-time */
                at: string;
                delivered: boolean;
                event_id: string;
                reason: string | null;
                status: string | null;
            } | null;
            route: string | null;
            segments: number | null;
        };
        TotpConfirmation: components["schemas"]["TotpFactor"] & {
            /** @description 10 single-use recovery codes, shown in this answer only. */
            recovery_codes: string[];
        };
        TotpEnrolment: components["schemas"]["TotpFactor"] & {
            otpauth_uri: string;
            /** @description The otpauth URI as a QR code (SVG). */
            qr_svg: string;
            /** @description Base32; shown in this answer only. */
            secret: string;
        };
        TotpFactor: {
            /** @enum {string} */
            algorithm: "SHA1" | "SHA256";
            confirmed_at: string | null;
            created_at: string;
            digits: number;
            id: string;
            issuer: string;
            label: string;
            period: number;
            /** @enum {string} */
            status: "unverified" | "verified" | "deleted";
            user_ref: string;
        };
        TotpFactorList: {
            factors: components["schemas"]["TotpFactorListing"][];
        };
        TotpFactorListing: components["schemas"]["TotpFactor"] & {
            recovery_codes_remaining: number;
        };
        TotpVerdict: {
            factor_id: string | null;
            /** @enum {string} */
            method: "totp" | "recovery_code";
            valid: boolean;
        };
        TwilioCheckVerification: {
            /** @example 123456 */
            Code: string;
            /** @description The number of a pending verification; or give VerificationSid. */
            To?: string;
            VerificationSid?: string;
        };
        TwilioCreateVerification: {
            /** @example sms */
            Channel: string;
            /** @description Refused (60204): Tessera generates every code. */
            CustomCode?: string;
            /** @description The end user's IP, for the per-IP limits and the audit trail. */
            DeviceIp?: string;
            /** @description `en` or `fr` (any region); any other language gets `en`. */
            Locale?: string;
            /** @example +33612345678 */
            To: string;
        };
        TwilioError: {
            /** @example 60200 */
            code: number;
            /** @example Invalid parameter: To */
            message: string;
            /** @example https://www.twilio.com/docs/errors/60200 */
            more_info: string;
            /** @example 400 */
            status: number;
        };
        TwilioUpdateVerification: {
            /** @enum {string} */
            Status: "canceled" | "approved";
        };
        TwilioVerification: {
            account_sid: string;
            amount: null;
            /** @enum {string} */
            channel: "sms";
            /** Format: date-time */
            date_created: string;
            /** Format: date-time */
            date_updated: string;
            lookup: Record<string, never>;
            payee: null;
            send_code_attempts: {
                /** @enum {string} */
                channel: "sms";
                /** @description Known for the first and the latest send only; null in between. */
                time: string | null;
            }[];
            service_sid: string;
            /** @example VE3fa0e5bb4f8f9f0e6c3c8d6a0b1c2d3e */
            sid: string;
            /** @description Always null: there is no silent network auth. */
            sna: null;
            status: components["schemas"]["TwilioVerificationStatus"];
            /**
             * @description The masked number.
             * @example +33 6•• •• •• 78
             */
            to: string;
            url: string;
            valid: boolean;
        };
        TwilioVerificationCheck: {
            account_sid: string;
            amount: null;
            /** @enum {string} */
            channel: "sms";
            /** Format: date-time */
            date_created: string;
            /** Format: date-time */
            date_updated: string;
            payee: null;
            service_sid: string;
            /** @example VE3fa0e5bb4f8f9f0e6c3c8d6a0b1c2d3e */
            sid: string;
            /** @description Always empty: there is no silent network auth. */
            sna_attempts_error_codes: {
                [key: string]: unknown;
            }[];
            status: components["schemas"]["TwilioVerificationStatus"];
            /**
             * @description The masked number.
             * @example +33 6•• •• •• 78
             */
            to: string;
            valid: boolean;
        };
        /** @enum {string} */
        TwilioVerificationStatus: "pending" | "approved" | "canceled" | "expired" | "max_attempts_reached";
        Verification: {
            attempts_remaining: number;
            /** @enum {string} */
            channel: "sms";
            /** Format: date-time */
            created_at: string;
            delivery: {
                route: string | null;
                /** @enum {string} */
                status: "queued" | "sent" | "failed" | "delivered";
            };
            /** Format: date-time */
            expires_at: string;
            /** @example ver_2x4ZTk0OMv1hVqLbXh0Q3w */
            id: string;
            /** @example login */
            purpose: string;
            /** Format: date-time */
            resend_available_at: string;
            send_count: number;
            status: components["schemas"]["VerificationStatus"];
            /**
             * @description The masked number.
             * @example +33 6•• •• •• 78
             */
            to: string;
        };
        /** @enum {string} */
        VerificationStatus: "pending" | "approved" | "canceled" | "expired" | "max_attempts_reached";
        VerificationTimeline: {
            events: components["schemas"]["AuditEvent"][];
            messages: components["schemas"]["TimelineMessage"][];
            verification_id: string;
        };
        VerifyTotp: {
            client?: components["schemas"]["Client"];
            /**
             * @description A TOTP code or a recovery code.
             * @example 123456
             */
            code: string;
            /** @example user_42 */
            user_ref: string;
        };
        WebhookDelivery: {
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            delivered_at: string | null;
            /** @enum {string} */
            event_type: "verification.approved" | "verification.expired" | "verification.max_attempts" | "verification.canceled" | "sms.delivered" | "sms.undelivered" | "pumping.tripped" | "lead.verified" | "signature.signed";
            id: string;
            /** Format: date-time */
            last_attempt_at: string | null;
            last_error: string | null;
            /** @description The HTTP status of the last attempt, null when none came. */
            last_status: number | null;
            /** @description The `webhook-id` header: the same on every attempt. */
            message_id: string;
            /** Format: date-time */
            next_attempt_at: string | null;
            /** @description The exact body sent (JSON text). */
            payload: string;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
        };
        WebhookEndpoint: {
            /** Format: date-time */
            created_at: string;
            description: string | null;
            events: ("verification.approved" | "verification.expired" | "verification.max_attempts" | "verification.canceled" | "sms.delivered" | "sms.undelivered" | "pumping.tripped" | "lead.verified" | "signature.signed")[];
            id: string;
            /**
             * Format: date-time
             * @description After a rotation: until when the previous secret still signs beside the new one.
             */
            previous_secret_until: string | null;
            url: string;
        };
        WebhookEndpointWithSecret: components["schemas"]["WebhookEndpoint"] & {
            /**
             * @description The Standard Webhooks signing secret (`whsec_` + base64). Shown once: Tessera keeps it sealed and never shows it again.
             * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
             */
            secret: string;
        };
        WithdrawConsent: {
            client?: components["schemas"]["Client"];
            country?: string;
            /** @example +33612345678 */
            phone: string;
            /** @example asked by phone */
            reason?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
