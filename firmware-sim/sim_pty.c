/*
 * sim_pty.c - pseudo-terminals for the simulated serial devices (sim_pty.h).
 */
#include "sim_pty.h"

#include "mf_error.h"
#include "mf_log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

int sim_pty_create(const char *link_path)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return mf_error_from_errno(errno);
    char name[128];
    if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, name, sizeof name) != 0)
        goto fail;
    /* Raw mode set once through the slave: the settings stay with the pair,
     * so the banner we write before the peer configures the port is neither
     * echoed back to us nor translated. */
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        goto fail;
    struct termios tio;
    if (tcgetattr(slave, &tio) == 0) {
        cfmakeraw(&tio);
        cfsetispeed(&tio, B115200);
        cfsetospeed(&tio, B115200);
        tcsetattr(slave, TCSANOW, &tio);
    }
    close(slave);
    int flags = fcntl(master, F_GETFL);
    if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) != 0)
        goto fail;

    struct stat st;
    if (lstat(link_path, &st) == 0) {
        if (!S_ISLNK(st.st_mode)) {
            mf_log_error("sim", "%s exists and is not a symbolic link; not replacing it",
                         link_path);
            close(master);
            return MF_EINVAL;
        }
        unlink(link_path);
    }
    if (symlink(name, link_path) != 0) {
        int err = errno;
        mf_log_error("sim", "cannot link %s -> %s: %s", link_path, name, strerror(err));
        close(master);
        return mf_error_from_errno(err);
    }
    mf_log_info("sim", "serial device %s -> %s", link_path, name);
    return master;
fail : {
    int err = errno;
    close(master);
    return mf_error_from_errno(err ? err : EIO);
}
}

int sim_pty_peer_open(int master)
{
    struct pollfd p = {.fd = master, .events = POLLIN};
    int rc = poll(&p, 1, 0);
    if (rc < 0)
        return mf_error_from_errno(errno);
    return (p.revents & POLLHUP) ? 0 : 1;
}

void sim_pty_unlink(const char *link_path)
{
    char target[128];
    ssize_t n = readlink(link_path, target, sizeof target - 1);
    if (n <= 0)
        return;
    target[n] = '\0';
    if (strncmp(target, "/dev/pts/", 9) == 0)
        unlink(link_path);
}
