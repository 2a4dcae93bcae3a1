/* SPDX-License-Identifier: Apache-2.0 */
/* fipsmod: the whole public API. */
#ifndef FIPSMOD_FIPSMOD_H
#define FIPSMOD_FIPSMOD_H

#include "common.h"
#include "cpu.h"
#include "module.h"
#include "monitor.h"
#include "sha2.h"
#include "hmac.h"
#include "aes.h"
#include "drbg.h"
#include "rsa.h"
#include "ec.h"
#include "keys.h"

#endif
