/*
 * Workload parameter checks (common/src/wl_params.c): types judged from
 * defaults, choices, ranges and HOST:PORT, which the driver turns into
 * usage errors before a run starts.  The numbers themselves are
 * tvc/parse.h's, tested in tests/common/test_parse.c.
 */
#include <errno.h>
#include <stdint.h>

#include "../common/src/wl_params.h"
#include "tvc/addr.h"
#include "tvc_test.h"

static void test_types_and_checks(void)
{
    const tvc_param_spec n = {"tasks", "1000", "h", NULL};
    const tvc_param_spec r = {"ratio", "0.5", "h", NULL};
    const tvc_param_spec s = {"host", "127.0.0.1", "h", NULL};
    const tvc_param_spec e = {"server", "", "h", NULL};
    const tvc_param_spec c = {"mode", "future", "h", "future|queue"};
    const tvc_param_spec b = {"offload", "1", "h", "0|1"};
    char why[128];
    ASSERT_EQ(tvc__param_type(&n), TVC__P_INT);
    ASSERT_EQ(tvc__param_type(&r), TVC__P_DOUBLE);
    ASSERT_EQ(tvc__param_type(&s), TVC__P_STR);
    ASSERT_EQ(tvc__param_type(&e), TVC__P_STR);
    ASSERT_EQ(tvc__param_type(&c), TVC__P_STR);
    ASSERT_EQ(tvc__param_type(&b), TVC__P_INT);

    ASSERT_OK(tvc__param_check(&n, "1M", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&n, "lots", why, sizeof why), -EINVAL);
    ASSERT(strstr(why, "integer") != NULL);
    ASSERT_OK(tvc__param_check(&r, "2", why, sizeof why));
    ASSERT_OK(tvc__param_check(&r, "1k", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&r, "half", why, sizeof why), -EINVAL);
    ASSERT_OK(tvc__param_check(&s, "::1", why, sizeof why));
    ASSERT_OK(tvc__param_check(&c, "queue", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&c, "que", why, sizeof why), -EINVAL);
    ASSERT_ERR(tvc__param_check(&c, "queues", why, sizeof why), -EINVAL);
    ASSERT_STREQ(why, "one of future|queue");
    ASSERT_OK(tvc__param_check(&b, "0", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&b, "2", why, sizeof why), -EINVAL);
}

/* "MIN..MAX" ranges on integers: ends included, either may be open,
 * both take suffixes; values outside, or not integers, are refused. */
static void test_ranges(void)
{
    const tvc_param_spec port = {"port", "0", "h", "0..65535"};
    const tvc_param_spec tasks = {"tasks", "1", "h", "1.."};
    const tvc_param_spec ring = {"tasks", "16", "h", "1..1M"};
    const tvc_param_spec neg = {"offset", "0", "h", "..-1"};
    char why[128];
    ASSERT_OK(tvc__param_check(&port, "0", why, sizeof why));
    ASSERT_OK(tvc__param_check(&port, "65535", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&port, "65536", why, sizeof why), -EINVAL);
    ASSERT_STREQ(why, "an integer in 0..65535 (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_ERR(tvc__param_check(&port, "-1", why, sizeof why), -EINVAL);
    ASSERT_ERR(tvc__param_check(&port, "http", why, sizeof why), -EINVAL);
    ASSERT_OK(tvc__param_check(&tasks, "1G", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&tasks, "0", why, sizeof why), -EINVAL);
    ASSERT_STREQ(why, "an integer >= 1 (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_OK(tvc__param_check(&ring, "1M", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&ring, "1000001", why, sizeof why), -EINVAL);
    ASSERT_STREQ(why, "an integer in 1..1M (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_OK(tvc__param_check(&neg, "-5", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&neg, "0", why, sizeof why), -EINVAL);
    ASSERT_STREQ(why, "an integer <= -1 (k/M/G or Ki/Mi/Gi suffixes)");
}

/* HOST:PORT values: tvc_addr_split's, or the empty default. */
static void test_hostport(void)
{
    const tvc_param_spec server = {"server", "", "h", TVC_PARAM_HOSTPORT};
    char why[128];
    ASSERT_OK(tvc__param_check(&server, "", why, sizeof why));
    ASSERT_OK(tvc__param_check(&server, "127.0.0.1:4242", why, sizeof why));
    ASSERT_OK(tvc__param_check(&server, "[::1]:80", why, sizeof why));
    ASSERT_ERR(tvc__param_check(&server, "127.0.0.1:abc", why, sizeof why),
               -EINVAL);
    ASSERT_STREQ(why, TVC_ADDR_HOSTPORT_FORM);
    ASSERT_ERR(tvc__param_check(&server, "127.0.0.1", why, sizeof why),
               -EINVAL);
    ASSERT_ERR(tvc__param_check(&server, "example.com:80", why, sizeof why),
               -EINVAL);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_hostport();
    test_types_and_checks();
    test_ranges();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
