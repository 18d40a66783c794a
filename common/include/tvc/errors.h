/*
 * Error codes.  Every fallible tvc function returns 0 (or a count) on
 * success and a negative code on failure, like libuv: system failures are
 * negative errno values (-ECANCELED, -ETIMEDOUT, -ECONNRESET, ...), and the
 * project adds its own codes below for the asyncio exceptions that have no
 * errno twin.  No errno is carried across a suspension point.
 */
#ifndef TVC_ERRORS_H
#define TVC_ERRORS_H

/*
 * The project's own codes, far below any errno so they never collide.
 * X(name, value, message): the single table behind tvc_strerror and
 * tvc_err_name.
 */
#define TVC_OWN_ERRORS(X)                                                      \
    X(TVC_EINCOMPLETE, -20001, "incomplete read: end of stream came first")    \
    X(TVC_ELIMIT, -20002, "limit overrun: separator not found within limit")   \
    X(TVC_EINVALSTATE, -20003, "invalid state for this operation")

enum {
#define TVC__ERR_ENUM(name, value, msg) name = value,
    TVC_OWN_ERRORS(TVC__ERR_ENUM)
#undef TVC__ERR_ENUM
};

/* Message for a code (own or -errno); never NULL, thread-safe. */
const char *tvc_strerror(int err);

/* Symbolic name ("ECANCELED", "TVC_ELIMIT", ...); "UNKNOWN" if unknown. */
const char *tvc_err_name(int err);

#endif
