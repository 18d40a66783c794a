/*
 * tvc_strerror and tvc_err_name: one table for the project's own codes
 * (errors.h); errno values take their name and message from the C library
 * (glibc's strerrorname_np and strerrordesc_np: thread-safe, never
 * localised, NULL for a number that is not an errno), so every errno a
 * system call can return has its real name, not a hand-kept subset.
 */
#include "tvc/errors.h"

#include <string.h>

/* errno values are small positive numbers; anything else is not one. */
#define TVC__IS_ERRNO(err) ((err) < 0 && (err) > -4096)

const char *tvc_err_name(int err)
{
    switch (err) {
    case 0:
        return "OK";
#define TVC__OWN_NAME(name, value, msg)                                        \
    case name:                                                                 \
        return #name;
        TVC_OWN_ERRORS(TVC__OWN_NAME)
#undef TVC__OWN_NAME
    }
    const char *name = TVC__IS_ERRNO(err) ? strerrorname_np(-err) : NULL;
    return name ? name : "UNKNOWN";
}

const char *tvc_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
#define TVC__OWN_MSG(name, value, msg)                                         \
    case name:                                                                 \
        return msg;
        TVC_OWN_ERRORS(TVC__OWN_MSG)
#undef TVC__OWN_MSG
    }
    const char *msg = TVC__IS_ERRNO(err) ? strerrordesc_np(-err) : NULL;
    return msg ? msg : "unknown error";
}
