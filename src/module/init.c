/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Module initialisation and the small informational services: version and
 * error names. The power-up self-tests and the state machine will start
 * from fm_init() as well.
 */
#include "internal.h"

/* see fipsmod/common.h */
int fm_init(uint32_t flags)
{
    if (flags != 0)
        return FM_ERR_ARG;
    cpu_init_once();
    return FM_OK;
}

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
    default:                 *name = "FM_ERR_UNKNOWN"; return FM_ERR_ARG;
    }
}
