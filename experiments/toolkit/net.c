/*
 * What every load tool shares on the network side (net.h).
 */
#include "net.h"

#include "tvc/addr.h"
#include "tvc/parse.h"

#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

int tvc_net_loopback(const char *host, const char *port,
                     struct sockaddr_storage *ss, socklen_t *len, char *err,
                     size_t errlen)
{
    int64_t p;
    if (tvc_parse_int(port, 0, 65535, &p) < 0) {
        snprintf(err, errlen, "bad port '%s' (expected 0..65535)", port);
        return -EINVAL;
    }
    if (tvc_addr_parse(host, (int)p, ss, len) < 0 ||
        !tvc_addr_is_loopback(ss)) {
        snprintf(err, errlen,
                 "refusing target '%s': load only ever goes to loopback "
                 "(127.0.0.0/8, ::1, localhost)",
                 host);
        return -EINVAL;
    }
    return 0;
}

int64_t tvc_net_raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur == RLIM_INFINITY ? INT64_MAX : (int64_t)rl.rlim_cur;
}
