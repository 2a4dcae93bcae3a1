/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The small informational services that work in every module state:
 * version and error names. (fm_init is the state machine's, state.c.)
 */
#include "internal.h"

/* see fipsmod/common.h */
int fm_version(const char **version)
{
    if (version == NULL)
        return FM_ERR_ARG;
    *version = FM_VERSION_STRING;
    return FM_OK;
}

/* see fipsmod/common.h */
int fm_error_name(int err, const char **name)
{
    if (name == NULL)
        return FM_ERR_ARG;
    switch (err) {
    case FM_OK:              *name = "FM_OK"; return FM_OK;
    case FM_ERR_ARG:         *name = "FM_ERR_ARG"; return FM_OK;
    case FM_ERR_LENGTH:      *name = "FM_ERR_LENGTH"; return FM_OK;
    case FM_ERR_CONTEXT:     *name = "FM_ERR_CONTEXT"; return FM_OK;
    case FM_ERR_UNSUPPORTED: *name = "FM_ERR_UNSUPPORTED"; return FM_OK;
    case FM_ERR_VERIFY:      *name = "FM_ERR_VERIFY"; return FM_OK;
    case FM_ERR_STATE:       *name = "FM_ERR_STATE"; return FM_OK;
    case FM_ERR_SELFTEST:    *name = "FM_ERR_SELFTEST"; return FM_OK;
    case FM_ERR_INTEGRITY:   *name = "FM_ERR_INTEGRITY"; return FM_OK;
    case FM_ERR_INTERNAL:    *name = "FM_ERR_INTERNAL"; return FM_OK;
    case FM_ERR_NOT_APPROVED: *name = "FM_ERR_NOT_APPROVED"; return FM_OK;
    case FM_ERR_ENTROPY:     *name = "FM_ERR_ENTROPY"; return FM_OK;
    case FM_ERR_RESEED:      *name = "FM_ERR_RESEED"; return FM_OK;
    case FM_ERR_DECODE:      *name = "FM_ERR_DECODE"; return FM_OK;
    case FM_ERR_KEY:         *name = "FM_ERR_KEY"; return FM_OK;
    case FM_ERR_DECRYPT:     *name = "FM_ERR_DECRYPT"; return FM_OK;
    default:                 *name = "FM_ERR_UNKNOWN"; return FM_ERR_ARG;
    }
}
