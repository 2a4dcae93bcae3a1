/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constant-time checking hooks: FM_SECRET(p, n) and FM_PUBLIC(p, n).
 *
 * The technique: valgrind's memcheck tracks, for every bit of memory and of
 * every register, whether it is "defined", and reports a conditional jump,
 * a conditional move or a memory address that depends on an undefined bit.
 * That is exactly the rule of constant-time code with "undefined" read as
 * "secret": no branch and no index may depend on a secret. So a test build
 * defines FM_CTGRIND, which turns
 *
 *     FM_SECRET(p, n)   into  VALGRIND_MAKE_MEM_UNDEFINED(p, n)
 *     FM_PUBLIC(p, n)   into  VALGRIND_MAKE_MEM_DEFINED(p, n)
 *
 * and runs under memcheck: mark keys and messages secret, call the code,
 * and every "Conditional jump or move depends on uninitialised value(s)"
 * or "Use of uninitialised value of size 8" (a secret-dependent address)
 * is a timing leak, with --track-origins=yes pointing back at the
 * FM_SECRET that made the value secret. Undefinedness propagates through
 * arithmetic, so a digest or tag computed from a secret is itself secret:
 * FM_PUBLIC it (on a copy, if the original must stay secret) before code
 * that is allowed to branch on it looks at it, e.g. the result of a tag
 * check, which is public by design. `make ctgrind` does this for the
 * module's own services (tests/ctgrind/ctgrind.c).
 *
 * Applications may use the same hooks to check their own code around
 * fipsmod: include this header, mark their secrets, build with
 * -DFM_CTGRIND (valgrind/memcheck.h must be on the include path) and run
 * the program under `valgrind --tool=memcheck`. Outside valgrind the
 * requests do nothing; without FM_CTGRIND the macros compile to nothing.
 *
 * Both are expressions of type void, usable as statements. Each argument
 * is evaluated exactly once in either build. Without FM_CTGRIND this
 * header includes nothing, so it is usable in freestanding code.
 */
#ifndef FIPSMOD_CTGRIND_H
#define FIPSMOD_CTGRIND_H

#ifdef FM_CTGRIND
#include <valgrind/memcheck.h>

#define FM_SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define FM_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define FM_SECRET(p, n) ((void)(p), (void)(n))
#define FM_PUBLIC(p, n) ((void)(p), (void)(n))
#endif

#endif
