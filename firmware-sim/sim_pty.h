/*
 * sim_pty.h - pseudo-terminals for the simulated serial devices: a raw pty
 * pair whose slave is reachable through a symbolic link the kiosk opens
 * (e.g. /tmp/minifab-engraver -> /dev/pts/7), and the wait for a peer to open
 * it (a pty master reports POLLHUP while no one holds the slave open).
 */
#ifndef MF_SIM_PTY_H
#define MF_SIM_PTY_H

/* Creates a raw (8N1, no echo, no translation) pty, links link_path to its
 * slave (replacing an old link, never a regular file) and returns the master
 * fd (non-blocking, close-on-exec), or a negative mf_error code. */
int sim_pty_create(const char *link_path);

/* 1 if a peer holds the slave open, 0 if not, negative mf_error on error. */
int sim_pty_peer_open(int master);

/* Removes the link if it still points at a pty (called at exit). */
void sim_pty_unlink(const char *link_path);

#endif
