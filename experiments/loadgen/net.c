/*
 * What every load tool shares (net.h).
 */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

int tvc_net_loopback(const char *host, const char *port,
                     struct sockaddr_storage *ss, socklen_t *len, char *err,
                     size_t errlen)
{
    int64_t p;
    memset(ss, 0, sizeof *ss);
    if (tvc_net_int(port, &p) < 0 || p > 65535) {
        snprintf(err, errlen, "bad port '%s'", port);
        return -EINVAL;
    }
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
            goto refuse;
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)p);
        *len = sizeof *in4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            goto refuse;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)p);
        *len = sizeof *in6;
        return 0;
    }
refuse:
    snprintf(err, errlen,
             "refusing target '%s': load only ever goes to loopback "
             "(127.0.0.0/8, ::1, localhost)",
             host);
    return -EINVAL;
}

void tvc_net_format(const struct sockaddr_storage *ss, char *buf, size_t size)
{
    char a[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
        snprintf(buf, size, "[%s]:%u", a, ntohs(in6->sin6_port));
    } else {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &in4->sin_addr, a, sizeof a);
        snprintf(buf, size, "%s:%u", a, ntohs(in4->sin_port));
    }
}

int tvc_net_option(const char *arg, const char *const *names,
                   const char **value)
{
    if (strncmp(arg, "--", 2) != 0)
        return -1;
    for (int i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg + 2, names[i], n) == 0 && arg[2 + n] == '=') {
            *value = arg + 3 + n;
            return i;
        }
    }
    return -1;
}

int tvc_net_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || v < 0)
        return -EINVAL;
    int64_t mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1000, end++;
    else if (*end == 'M')
        mult = 1000000, end++;
    else if (*end == 'G')
        mult = 1000000000, end++;
    if (*end || v > INT64_MAX / mult)
        return -EINVAL;
    *out = v * mult;
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
