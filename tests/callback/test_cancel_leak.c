/*
 * Cancelling 100,000 pending operations leaks nothing: tasks blocked in
 * sleep, event wait, await, lock, semaphore, queue get and put, wait_for
 * and stream reads are all cancelled; each continuation runs once with
 * -ECANCELED; then, with the loop closed, heap bytes and fds are back at
 * the baseline taken before anything was made.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cb_probe.h"

enum { TASKS = 100000, KINDS = 9, STREAMS = 50 };

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    tvc_cb_loop *loop;
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));

    tvc_cb_event *ev;
    tvc_cb_lock *lk;
    tvc_cb_sem *sem;
    tvc_cb_queue *empty, *full;
    ASSERT_OK(tvc_cb_event_new(&ev));
    ASSERT_OK(tvc_cb_lock_new(&lk));
    ASSERT_OK(tvc_cb_sem_new(&sem, 0, 0));
    ASSERT_OK(tvc_cb_queue_new(&empty, 0));
    ASSERT_OK(tvc_cb_queue_new(&full, 1));
    ASSERT_OK(tvc_cb_queue_put_nowait(full, NULL));
    tvc_future *pending = tvc_cb_future_new(loop);
    probe holder = {.op = P_LOCK, .obj = lk};
    probe_spawn(loop, &holder, NULL);
    settle(loop);
    ASSERT(tvc_cb_lock_locked(lk));

    /* Streams: a server whose handlers wait in readline, and clients
     * that wait in readline too. */
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    ASSERT_OK(bind(lfd, (struct sockaddr *)&a, sizeof a));
    ASSERT_OK(listen(lfd, STREAMS));
    ASSERT_OK(getsockname(lfd, (struct sockaddr *)&a, &alen));
    probe *conn = calloc(STREAMS, sizeof *conn);
    int peers[STREAMS];
    for (int i = 0; i < STREAMS; i++) {
        conn[i] = (probe){.op = P_CONNECT, .port = ntohs(a.sin_port)};
        probe_spawn(loop, &conn[i], NULL);
        tvc_cb_run_once(loop, 0);
        peers[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        ASSERT_GE(peers[i], 0);
    }
    settle(loop);

    probe *p = calloc(TASKS, sizeof *p);
    tvc_cb_task **h = calloc(TASKS, sizeof *h);
    ASSERT(p && h);
    for (int i = 0; i < TASKS; i++) {
        switch (i % KINDS) {
        case 0:
            p[i] = (probe){.op = P_SLEEP, .ns = TVC_SEC(3600)};
            break;
        case 1:
            p[i] = (probe){.op = P_EVENT, .obj = ev};
            break;
        case 2:
            p[i] = (probe){.op = P_AWAIT, .obj = pending};
            break;
        case 3:
            p[i] = (probe){.op = P_LOCK, .obj = lk};
            break;
        case 4:
            p[i] = (probe){.op = P_SEM, .obj = sem};
            break;
        case 5:
            p[i] = (probe){.op = P_QGET, .obj = empty};
            break;
        case 6:
            p[i] = (probe){.op = P_QPUT, .obj = full};
            break;
        case 7:
            p[i] =
                (probe){.op = P_WAIT_FOR, .obj = pending, .ns = TVC_SEC(3600)};
            break;
        default:
            if (i / KINDS < STREAMS) {
                ASSERT_OK(conn[i / KINDS].status);
                p[i] = (probe){.op = P_READLINE, .obj = conn[i / KINDS].value};
            } else {
                p[i] = (probe){.op = P_SLEEP, .ns = TVC_SEC(3600)};
            }
            break;
        }
        probe_spawn(loop, &p[i], &h[i]);
    }
    settle(loop);
    for (int i = 0; i < TASKS; i++)
        ASSERT_EQ(p[i].calls, 0);

    for (int i = 0; i < TASKS; i++)
        ASSERT_EQ(tvc_cb_task_cancel(h[i]), 1);
    settle(loop);
    for (int i = 0; i < TASKS; i++) {
        ASSERT_EQ(p[i].calls, 1);
        ASSERT_EQ(p[i].status, -ECANCELED);
        tvc_cb_task_release(h[i]);
    }
    /* wait_for cancels what it waits for: the shared future too. */
    ASSERT(tvc_future_cancelled(pending));
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);

    for (int i = 0; i < STREAMS; i++) {
        tvc_cb_stream_free(conn[i].value);
        close(peers[i]);
    }
    close(lfd);
    ASSERT_OK(tvc_cb_lock_release(lk));
    tvc_future_unref(pending);
    tvc_cb_event_free(ev);
    tvc_cb_lock_free(lk);
    tvc_cb_sem_free(sem);
    tvc_cb_queue_free(empty);
    tvc_cb_queue_free(full);
    free(p);
    free(h);
    free(conn);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
