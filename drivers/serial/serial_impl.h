/*
 * serial_impl.h - private to drivers/serial: the constructors of each
 * implementation of serial_ops_t. Callers use serial_open (serial.h).
 */
#ifndef MF_SERIAL_IMPL_H
#define MF_SERIAL_IMPL_H

#include "serial.h"

/* Each sets *ERR (never NULL) to the failure's code, as serial_open_ex. */
/* termios: pseudo-terminals and plain tty paths. */
serial_port_t *serial_termios_open(const char *path, int baud, char *why, size_t why_len, int *err);
/* libserialport: real ports. */
serial_port_t *serial_sp_open(const char *path, int baud, char *why, size_t why_len, int *err);

/* Takes the exclusive lock on FD (the device at PATH): flock + TIOCEXCL.
 * Returns 0, or MF_EPORTBUSY with "PATH: busy, held by ..." in WHY. */
int serial_lock_fd(int fd, const char *path, char *why, size_t why_len);
/* Undoes TIOCEXCL before the fd is closed (the flock goes with the close). */
void serial_unlock_fd(int fd);
/* "PATH: busy, held by NAME (pid N)" (or "by another program") into WHY. */
void serial_busy_message(const char *path, char *why, size_t why_len);

#endif
