/*
 * Error names and messages: the project's own codes come from the one
 * table in errors.h, errno codes from the C library, and anything else is
 * reported as unknown rather than guessed.
 */
#include "tvc_test.h"

#include <errno.h>
#include <pthread.h>

static void test_own_codes(void)
{
    ASSERT_STREQ(tvc_err_name(TVC_EINCOMPLETE), "TVC_EINCOMPLETE");
    ASSERT_STREQ(tvc_err_name(TVC_ELIMIT), "TVC_ELIMIT");
    ASSERT_STREQ(tvc_err_name(TVC_EINVALSTATE), "TVC_EINVALSTATE");
    ASSERT_STREQ(tvc_strerror(TVC_EINCOMPLETE),
                 "incomplete read: end of stream came first");
    ASSERT_STREQ(tvc_strerror(TVC_ELIMIT),
                 "limit overrun: separator not found within limit");
    ASSERT_STREQ(tvc_strerror(TVC_EINVALSTATE),
                 "invalid state for this operation");
    /* Own codes never collide with an errno the kernel can return. */
    ASSERT_LT(TVC_EINCOMPLETE, -4095);
    ASSERT_NE(TVC_EINCOMPLETE, TVC_ELIMIT);
    ASSERT_NE(TVC_ELIMIT, TVC_EINVALSTATE);
}

static void test_errno_codes(void)
{
    ASSERT_STREQ(tvc_err_name(0), "OK");
    ASSERT_STREQ(tvc_strerror(0), "success");
    ASSERT_STREQ(tvc_err_name(-ECANCELED), "ECANCELED");
    ASSERT_STREQ(tvc_err_name(-ETIMEDOUT), "ETIMEDOUT");
    ASSERT_STREQ(tvc_err_name(-ECONNRESET), "ECONNRESET");
    ASSERT_STREQ(tvc_err_name(-EAGAIN), "EAGAIN");
    ASSERT_STREQ(tvc_err_name(-ENOMEM), "ENOMEM");
    ASSERT_STREQ(tvc_err_name(-EPIPE), "EPIPE");
    /* Names the runtimes may meet that a hand list would likely miss. */
    ASSERT_STREQ(tvc_err_name(-EOWNERDEAD), "EOWNERDEAD");
    ASSERT_STREQ(tvc_err_name(-ENOTEMPTY), "ENOTEMPTY");
    /* Messages are the C library's, unlocalised. */
    ASSERT_STREQ(tvc_strerror(-ETIMEDOUT), "Connection timed out");
    ASSERT_STREQ(tvc_strerror(-ECANCELED), "Operation canceled");
    ASSERT_STREQ(tvc_strerror(-ENOENT), "No such file or directory");
}

static void test_unknown(void)
{
    /* Positive values, unassigned errnos and far-off numbers. */
    const int unknown[] = {1, 42, -4000, -20000, -20004, -1000000, INT32_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        ASSERT_STREQ(tvc_err_name(unknown[i]), "UNKNOWN");
        ASSERT_STREQ(tvc_strerror(unknown[i]), "unknown error");
    }
}

/* The strings are static: the same pointer from any thread, no buffer. */
static void *from_thread(void *arg)
{
    (void)arg;
    return (void *)tvc_strerror(-ECONNRESET);
}

static void test_thread_safe(void)
{
    pthread_t t;
    void *msg;
    ASSERT_EQ(pthread_create(&t, NULL, from_thread, NULL), 0);
    ASSERT_EQ(pthread_join(t, &msg), 0);
    ASSERT(msg == (void *)tvc_strerror(-ECONNRESET));
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_own_codes();
    test_errno_codes();
    test_unknown();
    test_thread_safe();
    /* One joined thread's cached TLS vector may stay (see test_hist). */
    ASSERT_NO_LEAKS(base, 1024);
    printf("ok\n");
    return 0;
}
