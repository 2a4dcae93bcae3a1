/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whole-file input and output for the commands that work on small files
 * (keys, signatures, RSA ciphertexts) and the streamed digest behind
 * `sign` and `verify`.
 *
 * Reading. A file is read into one buffer allocated at its cap (plus one
 * byte, to tell "exactly cap" from "more"), never grown: realloc would
 * leave copies of a private key in freed memory that nothing wipes. The
 * caller wipes the whole buffer when done (tool_free_wiped).
 *
 * Writing. Outputs are small and complete before the first byte is
 * written, so a file is written whole to a temporary file beside it and
 * renamed over it: an interrupted or failed run never leaves a truncated
 * key or signature, and a run whose input and output are the same file
 * works. While the temporary file exists, SIGHUP, SIGINT and SIGTERM are
 * blocked (and delivered after it is renamed or removed), so it is never
 * left behind. Private keys and decrypted data get mode 0600, even when
 * they replace a file that was more open; other outputs keep the mode of
 * the file they replace, or get 0666 minus the umask when new, as a
 * shell redirection would give them. A device or FIFO (/dev/stdout,
 * /dev/null, a pipe made by mkfifo) is written in place: a rename would
 * replace it instead.
 */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *tool_input_name(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0 ? "standard input" : path;
}

void tool_free_wiped(void *p, size_t n)
{
    if (p != NULL)
        (void)fm_wipe(p, n);
    free(p);
}

int tool_read_file(const char *cmd, const char *path, size_t cap, const char *what,
                   uint8_t **buf, size_t *len)
{
    const char *name = tool_input_name(path);
    bool is_stdin = path == NULL || strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    uint8_t *p;
    size_t got = 0;
    struct stat st;

    *buf = NULL;
    *len = 0;
    if (fd < 0) {
        tool_error("%s: %s: cannot open the %s: %s", cmd, name, what, strerror(errno));
        return TOOL_EXIT_FAIL;
    }
    /* Refuse a large regular file before reading any of it. */
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        tool_error("%s: %s: is a directory, not a %s", cmd, name, what);
        goto fail_closed;
    }
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > cap) {
        tool_error("%s: %s: too large for a %s (%jd bytes; at most %zu)", cmd, name, what,
                   (intmax_t)st.st_size, cap);
        goto fail_closed;
    }
    p = malloc(cap + 1);
    if (p == NULL) {
        tool_error("%s: out of memory", cmd);
        goto fail_closed;
    }
    while (got <= cap) {
        ssize_t n = read(fd, p + got, cap + 1 - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            tool_error("%s: %s: read error: %s", cmd, name, strerror(errno));
            tool_free_wiped(p, cap + 1);
            goto fail_closed;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got > cap) {
        tool_error("%s: %s: too large for a %s (more than %zu bytes)", cmd, name, what, cap);
        tool_free_wiped(p, cap + 1);
        goto fail_closed;
    }
    if (!is_stdin)
        (void)close(fd);
    *buf = p;
    *len = got;
    return TOOL_EXIT_OK;

fail_closed:
    if (!is_stdin)
        (void)close(fd);
    return TOOL_EXIT_FAIL;
}

static int write_all(const char *cmd, int fd, const uint8_t *p, size_t n, const char *name)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            tool_error("%s: %s: write error: %s", cmd, name,
                       w < 0 ? strerror(errno) : "no progress");
            return TOOL_EXIT_FAIL;
        }
        p += w;
        n -= (size_t)w;
    }
    return TOOL_EXIT_OK;
}

/* Write through a temporary file in dest's directory, renamed over dest. */
static int write_replace(const char *cmd, const char *name, const char *dest,
                         const uint8_t *data, size_t len, bool secret, const struct stat *old)
{
    static const int held[] = { SIGHUP, SIGINT, SIGTERM };
    const char *slash = strrchr(dest, '/');
    int dirlen = slash == NULL ? 1 : slash == dest ? 1 : (int)(slash - dest);
    const char *dir = slash == NULL ? "." : dest;
    sigset_t block, saved;
    char *tmp = NULL;
    mode_t mode;
    int status = TOOL_EXIT_FAIL;
    int fd;

    if (asprintf(&tmp, "%.*s/.fipsmod-out.XXXXXX", dirlen, dir) < 0) {
        tool_error("%s: out of memory", cmd);
        return TOOL_EXIT_FAIL;
    }
    if (secret) {
        mode = 0600;
    } else if (old != NULL) {
        mode = old->st_mode & 07777;
    } else {
        mode = umask(0);
        (void)umask(mode);
        mode = 0666 & ~mode;
    }
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
        sigaddset(&block, held[i]);
    (void)sigprocmask(SIG_BLOCK, &block, &saved);
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0) {
        tool_error("%s: %s: cannot create a temporary file in %.*s: %s", cmd, name, dirlen, dir,
                   strerror(errno));
        goto out;
    }
    if (!secret && fchmod(fd, mode) != 0) {
        tool_error("%s: %s: cannot set the mode of the temporary file: %s", cmd, name,
                   strerror(errno));
        goto out_unlink;
    }
    if (write_all(cmd, fd, data, len, name) != TOOL_EXIT_OK)
        goto out_unlink;
    if (close(fd) != 0) {
        fd = -1;
        tool_error("%s: %s: write error: %s", cmd, name, strerror(errno));
        goto out_unlink;
    }
    fd = -1;
    if (rename(tmp, dest) != 0) {
        tool_error("%s: %s: cannot rename %s to it: %s", cmd, name, tmp, strerror(errno));
        goto out_unlink;
    }
    status = TOOL_EXIT_OK;
    goto out;

out_unlink:
    if (fd >= 0) {
        (void)ftruncate(fd, 0); /* drop what may be secret before anything else */
        (void)close(fd);
    }
    (void)unlink(tmp);
out:
    (void)sigprocmask(SIG_SETMASK, &saved, NULL);
    free(tmp);
    return status;
}

int tool_write_file(const char *cmd, const char *path, const void *data, size_t len,
                    bool secret)
{
    struct stat st;
    char *dest;
    int status;
    int fd;

    if (path == NULL || strcmp(path, "-") == 0)
        return write_all(cmd, STDOUT_FILENO, data, len, "standard output");
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            tool_error("%s: %s: is a directory", cmd, path);
            return TOOL_EXIT_FAIL;
        }
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            tool_error("%s: %s: %s", cmd, path, strerror(errno));
            return TOOL_EXIT_FAIL;
        }
        status = write_all(cmd, fd, data, len, path);
        if (close(fd) != 0 && status == TOOL_EXIT_OK) {
            tool_error("%s: %s: write error: %s", cmd, path, strerror(errno));
            status = TOOL_EXIT_FAIL;
        }
        return status;
    }
    /* Through a symbolic link, replace the file it points to, not the link. */
    dest = realpath(path, NULL);
    if (dest == NULL)
        dest = strdup(path);
    if (dest == NULL) {
        tool_error("%s: out of memory", cmd);
        return TOOL_EXIT_FAIL;
    }
    status = write_replace(cmd, path, dest, data, len, secret,
                           stat(dest, &st) == 0 ? &st : NULL);
    free(dest);
    return status;
}

int tool_hash_file(const char *cmd, const char *path, int alg, uint8_t md[FM_HASH_MAX_LEN],
                   size_t *mdlen)
{
    static uint8_t buf[TOOL_CHUNK];
    const char *name = tool_input_name(path);
    bool is_stdin = path == NULL || strcmp(path, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    int status = TOOL_EXIT_FAIL;
    fm_hash_ctx ctx;
    int rc;

    *mdlen = 0;
    memset(&ctx, 0, sizeof ctx);
    if (fd < 0) {
        tool_error("%s: %s: %s", cmd, name, strerror(errno));
        return TOOL_EXIT_FAIL;
    }
    rc = fm_hash_init(&ctx, alg);
    if (rc != FM_OK) {
        tool_error("%s: fm_hash_init: %s", cmd, tool_fm_error(rc));
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            tool_error("%s: %s: read error: %s", cmd, name, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        rc = fm_hash_update(&ctx, buf, (size_t)n);
        if (rc != FM_OK) {
            tool_error("%s: %s: fm_hash_update: %s", cmd, name, tool_fm_error(rc));
            goto out;
        }
    }
    rc = fm_hash_digest_len(alg, mdlen);
    if (rc == FM_OK)
        rc = fm_hash_final(&ctx, md, FM_HASH_MAX_LEN);
    if (rc != FM_OK) {
        tool_error("%s: %s: fm_hash_final: %s", cmd, name, tool_fm_error(rc));
        *mdlen = 0;
        goto out;
    }
    status = TOOL_EXIT_OK;
out:
    (void)fm_hash_wipe(&ctx);
    (void)fm_wipe(buf, sizeof buf); /* the message may be secret */
    if (!is_stdin)
        (void)close(fd);
    return status;
}
