/* error.c: status names and the error-filling helper. */
#include <stdio.h>

#include "internal.h"

const char *mr_status_name(mr_status status)
{
    switch (status) {
    case MR_OK: return "ok";
    case MR_ERR_INVALID_ARGUMENT: return "invalid argument";
    case MR_ERR_NOT_FOUND: return "not found";
    case MR_ERR_PARSE: return "parse error";
    case MR_ERR_NO_MEMORY: return "out of memory";
    case MR_ERR_IO: return "I/O error";
    case MR_ERR_DIVERGED: return "training diverged";
    case MR_ERR_STATE: return "invalid state";
    }
    return "unknown status";
}

mr_status mr_fail(mr_error *err, mr_status status, const char *fmt, ...)
{
    if (err) {
        va_list args;
        va_start(args, fmt);
        err->status = status;
        vsnprintf(err->message, sizeof err->message, fmt, args);
        va_end(args);
    }
    return status;
}
