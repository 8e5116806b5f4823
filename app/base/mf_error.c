/*
 * mf_error.c - messages for the project's error codes and the errno mapping.
 * See mf_error.h for the convention.
 */
#include "mf_error.h"

#include <errno.h>

const char *mf_strerror(int code)
{
    switch (code) {
#define MF_ERROR_CASE(name, value, text)                                                           \
    case value:                                                                                    \
        return text;
        MF_ERROR_LIST(MF_ERROR_CASE)
#undef MF_ERROR_CASE
    default:
        return "unknown error";
    }
}

int mf_error_from_errno(int errnum)
{
    switch (errnum) {
    case 0:
        return MF_OK;
    case ENOMEM:
        return MF_ENOMEM;
    case EINVAL:
        return MF_EINVAL;
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return MF_ENOENT;
    case ETIMEDOUT:
    case EAGAIN:
        return MF_ETIMEDOUT;
    case ERANGE:
    case EOVERFLOW:
        return MF_ERANGE;
    case EBUSY:
        return MF_EBUSY;
    case ECONNREFUSED:
        return MF_ECONNREFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
        return MF_ENOROUTE;
    case EADDRINUSE:
        return MF_EADDRINUSE;
    case ENOSPC:
    case EDQUOT:
        return MF_ENOSPC;
    case EACCES:
    case EPERM:
    case EROFS:
        return MF_EPERM;
    case EFBIG:
        return MF_ETOOBIG;
    case EPIPE:
    case ECONNRESET:
    case ENOTCONN:
        return MF_ECLOSED;
    case ENOTSUP:
        return MF_EUNSUPPORTED;
    default:
        return MF_EIO;
    }
}
