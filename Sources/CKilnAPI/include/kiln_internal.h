/*
 * kiln_internal.h: what the Swift side of KilnC calls in its C part. Not part of the API: programs
 * include kiln.h only.
 */
#ifndef KILN_INTERNAL_H
#define KILN_INTERNAL_H

#include "kiln.h"

/* Sets the calling thread's last-error message (truncated to 1023 bytes at a UTF-8 boundary) and
 * returns status, so a failing call can end with `return kiln_internal_fail(KILN_E_..., message)`. */
kiln_status kiln_internal_fail(kiln_status status, const char *message);

#endif /* KILN_INTERNAL_H */
