/*
 * serial_impl.h - private to drivers/serial: the constructors of each
 * implementation of serial_ops_t. Callers use serial_open (serial.h).
 */
#ifndef MF_SERIAL_IMPL_H
#define MF_SERIAL_IMPL_H

#include "serial.h"

/* termios: pseudo-terminals and plain tty paths. */
serial_port_t *serial_termios_open(const char *path, int baud, char *why, size_t why_len);
/* libserialport: real ports. */
serial_port_t *serial_sp_open(const char *path, int baud, char *why, size_t why_len);

#endif
