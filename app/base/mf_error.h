/*
 * mf_error.h - the one error convention of minifab.
 *
 * Every function that can fail returns int: 0 on success or a negative code
 * from this list. Constructors return NULL instead. Library errors (errno,
 * libmodbus, sp_return, SQLite, FFmpeg...) are mapped to these codes at the
 * boundary where they occur, so callers never see a foreign error space.
 *
 * To add a code: append it to MF_ERROR_LIST (keep values negative and unique);
 * mf_strerror() picks up the message automatically.
 */
#ifndef MF_ERROR_H
#define MF_ERROR_H

#define MF_ERROR_LIST(X)                                                                           \
    X(MF_OK, 0, "success")                                                                         \
    X(MF_ENOMEM, -1, "out of memory")                                                              \
    X(MF_EINVAL, -2, "invalid argument")                                                           \
    X(MF_EIO, -3, "input/output error")                                                            \
    X(MF_ENOENT, -4, "no such file or device")                                                     \
    X(MF_ETIMEDOUT, -5, "timed out")                                                               \
    X(MF_EPARSE, -6, "syntax error")                                                               \
    X(MF_ERANGE, -7, "value out of range")                                                         \
    X(MF_EBUSY, -8, "busy, try again")                                                             \
    X(MF_ECLOSED, -9, "connection closed")                                                         \
    X(MF_EPROTO, -10, "protocol error")                                                            \
    X(MF_EUNSUPPORTED, -11, "not supported")                                                       \
    X(MF_ECONTENT, -12, "content pack is invalid")                                                 \
    X(MF_EREFUSED, -13, "refused by the device")                                                   \
    X(MF_EFULL, -14, "queue is full")                                                              \
    X(MF_EEXPECT, -15, "an expectation did not hold")                                              \
    X(MF_EDEVICE, -16, "device reported an error")                                                 \
    X(MF_ECRC, -17, "checksum error")                                                              \
    X(MF_EMEDIA, -18, "media file is unreadable")                                                  \
    X(MF_EDB, -19, "database error")                                                               \
    X(MF_EINCOMPAT, -20, "incompatible device (unknown register map version)")                    \
    X(MF_ENOSLOT, -21, "no free command slot on the device")                                       \
    X(MF_EEXCEPTION, -22, "the device answered with an exception")                                 \
    X(MF_ECONNREFUSED, -23, "connection refused")                                                  \
    X(MF_ENONAME, -24, "name not resolved")                                                        \
    X(MF_ENOROUTE, -25, "no route to host")                                                        \
    X(MF_EADDRINUSE, -26, "address already in use")                                                \
    X(MF_EPORTBUSY, -27, "port is held by another program")                                        \
    X(MF_ENOSPC, -28, "no space left on the device")                                               \
    X(MF_ELOCKED, -29, "locked, try again later")                                                  \
    X(MF_EPERM, -30, "not allowed")                                                                \
    X(MF_ETOOBIG, -31, "too large")                                                                \
    X(MF_ETRUNCATED, -32, "file is incomplete")

enum mf_error {
#define MF_ERROR_ENUM(name, value, text) name = value,
    MF_ERROR_LIST(MF_ERROR_ENUM)
#undef MF_ERROR_ENUM
};

/* A static, human-readable message for a code; never NULL. */
const char *mf_strerror(int code);

/* Maps an errno value (positive) to the closest project code. */
int mf_error_from_errno(int errnum);

#endif
