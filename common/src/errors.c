/*
 * tvc_strerror and tvc_err_name: one table for the project's own codes
 * (errors.h), the C library for errno values.
 */
#include "tvc/errors.h"

#include <errno.h>
#include <string.h>

/* errno names for the codes the runtimes actually return; the rest fall
 * back to "UNKNOWN" rather than a guess. */
#define TVC__ERRNO_NAMES(X)                                                    \
    X(EPERM) X(ENOENT) X(EINTR) X(EIO) X(EBADF) X(EAGAIN) X(ENOMEM)            \
    X(EACCES) X(EFAULT) X(EBUSY) X(EEXIST) X(EINVAL) X(ENFILE) X(EMFILE)       \
    X(ENOSPC) X(EPIPE) X(ERANGE) X(EDEADLK) X(ENOSYS) X(EOVERFLOW)             \
    X(ENOTSOCK) X(EADDRINUSE) X(EADDRNOTAVAIL) X(ENETUNREACH) X(ECONNABORTED)  \
    X(ECONNRESET) X(ENOBUFS) X(EISCONN) X(ENOTCONN) X(ETIMEDOUT)               \
    X(ECONNREFUSED) X(EHOSTUNREACH) X(EALREADY) X(EINPROGRESS) X(ECANCELED)    \
    X(EPROTO) X(EMSGSIZE)

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
#define TVC__ERRNO_NAME(name)                                                  \
    case -name:                                                                \
        return #name;
        TVC__ERRNO_NAMES(TVC__ERRNO_NAME)
#undef TVC__ERRNO_NAME
    }
    return "UNKNOWN";
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
    if (err < 0 && err > -4096)
        return strerrordesc_np(-err) ? strerrordesc_np(-err) : "unknown error";
    return "unknown error";
}
