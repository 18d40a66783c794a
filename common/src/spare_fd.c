/*
 * The spare descriptor of a server that ran out of them (spare_fd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tvc/spare_fd.h"

int tvc_spare_open(void)
{
    return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int tvc_spare_shed(int *spare, int listen_fd)
{
    if (*spare < 0)
        *spare = tvc_spare_open();
    if (*spare < 0)
        return -1;
    close(*spare);
    int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    int err = errno;
    if (fd >= 0)
        close(fd);
    *spare = tvc_spare_open();
    if (fd >= 0 || err == ECONNABORTED)
        return 1;
    return err == EAGAIN || err == EWOULDBLOCK ? 0 : -1;
}
