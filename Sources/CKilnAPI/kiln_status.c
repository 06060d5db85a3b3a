// The C half of KilnC: status names and the per-thread last-error message.
#include <string.h>

#include "kiln_internal.h"

static _Thread_local char last_error[1024];

const char *kiln_status_name(kiln_status status) {
    switch (status) {
    case KILN_OK: return "KILN_OK";
    case KILN_E_NULL: return "KILN_E_NULL";
    case KILN_E_ARGUMENT: return "KILN_E_ARGUMENT";
    case KILN_E_BUFFER_TOO_SMALL: return "KILN_E_BUFFER_TOO_SMALL";
    case KILN_E_HANDLE: return "KILN_E_HANDLE";
    case KILN_E_IN_USE: return "KILN_E_IN_USE";
    case KILN_E_BUSY: return "KILN_E_BUSY";
    case KILN_E_IO: return "KILN_E_IO";
    case KILN_E_FORMAT: return "KILN_E_FORMAT";
    case KILN_E_MODEL: return "KILN_E_MODEL";
    case KILN_E_NOT_GENERATOR: return "KILN_E_NOT_GENERATOR";
    case KILN_E_RUN: return "KILN_E_RUN";
    case KILN_E_RESOURCE: return "KILN_E_RESOURCE";
    }
    return "unknown status";
}

const char *kiln_last_error(void) { return last_error; }

kiln_status kiln_internal_fail(kiln_status status, const char *message) {
    size_t n = message ? strlen(message) : 0;
    if (n >= sizeof last_error) {
        n = sizeof last_error - 1;
        while (n > 0 && ((unsigned char)message[n] & 0xC0) == 0x80) n--;  // not inside a UTF-8 sequence
    }
    if (n) memcpy(last_error, message, n);
    last_error[n] = 0;
    return status;
}
