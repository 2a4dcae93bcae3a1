/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `fipsmod enc`: AES encryption and decryption of a stream, in GCM
 * (SP 800-38D), CBC with PKCS#7 padding (SP 800-38A 6.2, RFC 5652 6.3) and
 * CTR (SP 800-38A 6.5, the whole 16-byte block as the counter). The byte
 * formats are those of `openssl enc` for CBC and CTR (-K/-iv, no salt
 * header); for GCM, which `openssl enc` does not offer, they are spelt out
 * in the help text below.
 *
 * Memory. Input of any size goes through one buffer of TOOL_CHUNK (64 KiB)
 * plus one block. Reads fill the whole chunk unless the input ends, so a
 * chunk is always a multiple of the block size and CBC and CTR continue
 * across chunks without any carry. Decryption that must see the end of the
 * input before it knows the result (the GCM tag is the last 16 bytes, the
 * CBC padding is in the last block) keeps the last 16 bytes of each chunk
 * back and treats them with the next one.
 *
 * No unverified output. A GCM tag or a CBC padding can only be checked once
 * every byte has been decrypted, so earlier plaintext cannot go straight to
 * its destination. It goes to a temporary file instead: for -out FILE, one
 * made by mkstemp in FILE's directory and renamed over FILE on success (so
 * FILE changes atomically and is never left half-written); for standard
 * output, an anonymous file (O_TMPFILE, else an unlinked mkstemp file in
 * $TMPDIR) copied to standard output once the check passed. On failure the
 * temporary file is truncated and removed, and the last chunk, which is
 * checked before it leaves memory, is wiped (fm_aes_gcm_decrypt_final does
 * so for GCM). Every -out FILE goes through the rename, for encryption too,
 * so an interrupted or failed run never leaves a truncated FILE; encryption
 * and CTR to standard output are streamed directly.
 *
 * Generated IVs. Without -iv, GCM encryption uses the approved service
 * fm_aes_gcm_start_geniv: a 96-bit IV from the module's DRBG (SP 800-38D
 * 8.2.2), so runs under one key need no coordination.
 *
 * The padding check of the last CBC block reads all 16 bytes with masks,
 * without a branch or index on the pad value, so its timing does not tell
 * where the padding broke. The exit status still says whether it was
 * valid: CBC is not authenticated and this command must not be exposed as
 * a decryption service to parties who can choose ciphertexts (a padding
 * oracle). PKCS#7 lives here, outside the module: padding is formatting,
 * not cryptography the module has to vouch for.
 *
 * Secrets (the key, its hex text on the command line, the key schedule,
 * the plaintext in the buffer) are wiped with fm_wipe on every path.
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

static const char enc_help[] =
    "usage: fipsmod enc -CIPHER [-e|-d] -key HEX [-iv HEX] [-aad HEX]\n"
    "                   [-in FILE] [-out FILE]\n"
    "\n"
    "Encrypt (default) or decrypt standard input or FILE with AES and write the\n"
    "result to standard output or FILE. Input of any size is streamed in 64 KiB\n"
    "pieces: memory use does not grow with it. CIPHER is one of:\n"
    "  -aes-128-gcm -aes-192-gcm -aes-256-gcm   GCM (SP 800-38D), 16-byte tag\n"
    "  -aes-128-cbc -aes-192-cbc -aes-256-cbc   CBC (SP 800-38A) with PKCS#7\n"
    "                                           padding (RFC 5652 6.3)\n"
    "  -aes-128-ctr -aes-192-ctr -aes-256-ctr   CTR (SP 800-38A), the whole\n"
    "                                           16-byte block is the counter\n"
    "\n"
    "Options:\n"
    "  -e          encrypt (the default)\n"
    "  -d          decrypt\n"
    "  -key HEX    the key in hex: 16, 24 or 32 bytes, as the cipher name says.\n"
    "              Other users of this machine may see command lines: do not\n"
    "              pass real secrets this way.\n"
    "  -iv HEX     CBC: the 16-byte IV; CTR: the 16-byte initial counter block\n"
    "              (both required). GCM: the IV, any length from 1 byte (12 is\n"
    "              usual); optional, see below.\n"
    "  -aad HEX    GCM only: additional authenticated data (default: none)\n"
    "  -in FILE    input (default: standard input)\n"
    "  -out FILE   output (default: standard output). The result is written to a\n"
    "              temporary file (mode 0600) in FILE's directory and renamed\n"
    "              over FILE only when the command succeeds; on failure FILE\n"
    "              is left as it was. (A FILE that is not a regular file, such\n"
    "              as /dev/null or a FIFO, is written like standard output.)\n"
    "  -h, --help  show this text\n"
    "\n"
    "GCM formats (the tag is always the full 16 bytes):\n"
    "  encrypt, no -iv:    output IV (12 bytes) || ciphertext || tag\n"
    "  encrypt with -iv:   output ciphertext || tag\n"
    "  decrypt, no -iv:    input  IV (12 bytes) || ciphertext || tag\n"
    "  decrypt with -iv:   input  ciphertext || tag\n"
    "Without -iv the module makes the IV, the approved way: 96 random bits from\n"
    "its DRBG (SP 800-38D 8.2.2). SP 800-38D allows at most 2^32 such IVs per\n"
    "key, counted over all uses of the key, which the tool cannot see across\n"
    "runs. Encrypting with -iv is not approved: you vouch that the IV never\n"
    "repeats under the key.\n"
    "\n"
    "Decryption never releases unverified data. GCM plaintext, and CBC\n"
    "plaintext until the padding of the last block is checked, are held in a\n"
    "temporary file (for standard output an anonymous one, in $TMPDIR or\n"
    "/tmp); after a tag mismatch or bad padding nothing is written and the\n"
    "temporary file is removed. CBC and CTR are not authenticated: a wrong key\n"
    "or altered data may decrypt to garbage without any error.\n"
    "\n"
    "Exit status: 0 on success; 1 for a GCM tag mismatch, bad CBC padding or\n"
    "length, input too short, an unreadable input or unwritable output, or a\n"
    "module error; 2 for a usage error (unknown option, missing or odd hex, a\n"
    "key or IV of the wrong length).\n"
    "\n"
    "Examples:\n"
    "  fipsmod enc -aes-256-gcm -key $K -in doc.pdf -out doc.pdf.gcm\n"
    "  fipsmod enc -aes-256-gcm -d -key $K -in doc.pdf.gcm -out doc.pdf\n"
    "  fipsmod enc -aes-128-gcm -key $K -iv $IV -aad 686472 < msg > msg.ct\n"
    "  fipsmod enc -aes-128-cbc -key 000102030405060708090a0b0c0d0e0f \\\n"
    "      -iv 0f0e0d0c0b0a09080706050403020100 -in x -out x.cbc\n"
    "      # same bytes as: openssl enc -aes-128-cbc -K 0001...0f -iv 0f0e...00\n"
    "  fipsmod enc -aes-256-ctr -d -key $K -iv $CTR < x.ctr > x\n";

enum enc_mode { ENC_CBC, ENC_CTR, ENC_GCM };

struct enc_cipher {
    const char *option;
    enum enc_mode mode;
    size_t keylen;
};

static const struct enc_cipher ciphers[] = {
    { "-aes-128-gcm", ENC_GCM, 16 }, { "-aes-192-gcm", ENC_GCM, 24 },
    { "-aes-256-gcm", ENC_GCM, 32 }, { "-aes-128-cbc", ENC_CBC, 16 },
    { "-aes-192-cbc", ENC_CBC, 24 }, { "-aes-256-cbc", ENC_CBC, 32 },
    { "-aes-128-ctr", ENC_CTR, 16 }, { "-aes-192-ctr", ENC_CTR, 24 },
    { "-aes-256-ctr", ENC_CTR, 32 },
};

#define BLK FM_AES_BLOCK_LEN
#define TAG FM_AES_GCM_TAG_LEN

/* One chunk plus the block or tag held back from the previous one. */
static uint8_t iobuf[TOOL_CHUNK + BLK];

struct enc {
    bool decrypt;
    const uint8_t *iv; /* NULL: none given (GCM only) */
    size_t ivlen;
    const uint8_t *aad;
    size_t aadlen;
    int in;
    const char *in_name; /* for messages */
};

/* ---- output --------------------------------------------------------------- */

/*
 * Where the output goes. Bytes are written to `fd` as they are produced.
 * - -out naming a regular file (or nothing yet): fd is the temporary file
 *   `tmp` beside it, renamed to `dest` at commit.
 * - standard output, or a -out that is a device or FIFO (`opened`), when
 *   nothing must be held back: fd is that descriptor.
 * - the same when the output must wait for a final check: fd is an
 *   anonymous temporary file, copied to `final_fd` at commit.
 */
struct sink {
    const char *name; /* for messages */
    int fd;
    bool own_fd;      /* fd is a temporary file of ours */
    int final_fd;     /* the anonymous case only, else -1 */
    int opened;       /* a -out device or FIFO opened here, else -1 */
    char *tmp;
    char *dest;
};

/* The temporary path to remove if a signal ends the process first. */
static char *volatile signal_unlink;

static void on_signal(int sig)
{
    char *p = signal_unlink;

    if (p != NULL)
        (void)unlink(p);
    /* SA_RESETHAND restored the default action: die of the same signal. */
    (void)raise(sig);
}

static void catch_signals(char *path)
{
    static const int sigs[] = { SIGHUP, SIGINT, SIGTERM };
    struct sigaction sa;

    signal_unlink = path;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        (void)sigaction(sigs[i], &sa, NULL);
}

/* An unnamed read-write file in $TMPDIR (or /tmp), or -1 (reported). */
static int anonymous_file(void)
{
    const char *dir = getenv("TMPDIR");
    char *path;
    int fd;

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
#endif
    /* No O_TMPFILE (old kernel, some file systems): a named file, unlinked at once. */
    if (asprintf(&path, "%s/fipsmod-enc.XXXXXX", dir) < 0) {
        tool_error("enc: out of memory");
        return -1;
    }
    fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0)
        tool_error("enc: cannot create a temporary file in %s: %s", dir, strerror(errno));
    else
        (void)unlink(path);
    free(path);
    return fd;
}

/* A temporary file beside s->dest: sets s->tmp and s->fd. Returns 0 or -1 (reported). */
static int temp_beside(struct sink *s)
{
    const char *slash = strrchr(s->dest, '/');
    const char *dir = slash == NULL ? "." : s->dest;
    int dirlen = slash == NULL || slash == s->dest ? 1 : (int)(slash - s->dest);

    if (asprintf(&s->tmp, "%.*s/.fipsmod-enc.XXXXXX", dirlen, dir) < 0) {
        s->tmp = NULL;
        tool_error("enc: out of memory");
        return -1;
    }
    catch_signals(s->tmp);
    s->fd = mkostemp(s->tmp, O_CLOEXEC);
    if (s->fd < 0) {
        tool_error("enc: %s: cannot create a temporary file in %.*s: %s", s->name, dirlen, dir,
                   strerror(errno));
        signal_unlink = NULL;
        free(s->tmp);
        s->tmp = NULL;
        return -1;
    }
    s->own_fd = true;
    return 0;
}

/*
 * `hold`: the output must wait for a check at the end. Returns 0 or -1
 * (reported; call sink_abort).
 */
static int sink_open(struct sink *s, const char *out, bool hold)
{
    struct stat st;
    int target = STDOUT_FILENO;

    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->final_fd = -1;
    s->opened = -1;
    s->name = "standard output";
    if (out != NULL && strcmp(out, "-") != 0) {
        s->name = out;
        if (stat(out, &st) != 0 || S_ISREG(st.st_mode)) {
            /* Through a symbolic link, replace the file it points to, not the link. */
            s->dest = realpath(out, NULL);
            if (s->dest == NULL)
                s->dest = strdup(out);
            if (s->dest == NULL) {
                tool_error("enc: out of memory");
                return -1;
            }
            return temp_beside(s);
        }
        /* A device or FIFO: a rename would replace it instead of writing to it. */
        s->opened = open(out, O_WRONLY | O_CLOEXEC);
        if (s->opened < 0) {
            tool_error("enc: %s: %s", out, strerror(errno));
            return -1;
        }
        target = s->opened;
    }
    if (!hold) {
        s->fd = target;
        return 0;
    }
    s->final_fd = target;
    s->fd = anonymous_file();
    s->own_fd = s->fd >= 0;
    return s->fd < 0 ? -1 : 0;
}

static int write_all(int fd, const uint8_t *p, size_t n, const char *name)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            tool_error("enc: %s: write error: %s", name, w < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int sink_write(struct sink *s, const uint8_t *p, size_t n)
{
    return write_all(s->fd, p, n, s->own_fd ? "temporary file" : s->name);
}

/* Drop whatever is held and release everything. Safe after a failed sink_open. */
static void sink_abort(struct sink *s)
{
    if (s->own_fd && s->fd >= 0) {
        /* Free the blocks that held unverified plaintext before anything else. */
        (void)ftruncate(s->fd, 0);
        (void)close(s->fd);
    }
    if (s->tmp != NULL)
        (void)unlink(s->tmp);
    signal_unlink = NULL;
    if (s->opened >= 0)
        (void)close(s->opened);
    free(s->tmp);
    free(s->dest);
    memset(s, 0, sizeof *s);
    s->fd = s->final_fd = s->opened = -1;
}

/* Release the output. Returns 0 or -1 (reported; then nothing was released). */
static int sink_commit(struct sink *s)
{
    int rc = 0;

    if (s->tmp != NULL) {
        int fd = s->fd;

        s->fd = -1;
        if (close(fd) != 0) {
            tool_error("enc: %s: write error: %s", s->name, strerror(errno));
            rc = -1;
        } else if (rename(s->tmp, s->dest) != 0) {
            tool_error("enc: %s: cannot rename %s to it: %s", s->name, s->tmp,
                       strerror(errno));
            rc = -1;
        } else {
            signal_unlink = NULL;
            free(s->tmp);
            s->tmp = NULL;
        }
    } else if (s->final_fd >= 0) {
        /* Verified: copy the held output to its destination. */
        if (lseek(s->fd, 0, SEEK_SET) != 0) {
            tool_error("enc: temporary file: %s", strerror(errno));
            rc = -1;
        }
        while (rc == 0) {
            ssize_t n = read(s->fd, iobuf, TOOL_CHUNK);

            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                tool_error("enc: temporary file: read error: %s", strerror(errno));
                rc = -1;
            }
            if (n <= 0)
                break;
            rc = write_all(s->final_fd, iobuf, (size_t)n, s->name);
        }
        (void)fm_wipe(iobuf, sizeof iobuf);
    }
    if (rc == 0 && s->opened >= 0) {
        int fd = s->opened;

        s->opened = -1;
        if (close(fd) != 0) {
            tool_error("enc: %s: write error: %s", s->name, strerror(errno));
            rc = -1;
        }
    }
    sink_abort(s);
    return rc;
}

/* ---- input ---------------------------------------------------------------- */

/* Read n bytes, fewer only at the end of the input. Returns the count or -1 (reported). */
static ssize_t read_full(const struct enc *e, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(e->in, buf + got, n - got);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            tool_error("enc: %s: read error: %s", e->in_name, strerror(errno));
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* ---- PKCS#7 (RFC 5652 section 6.3) ------------------------------------------- */

/* Keep the optimiser from turning mask arithmetic back into branches. */
static uint32_t ct_barrier(uint32_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

/* 1 when a < b, else 0; a and b below 2^31. */
static uint32_t ct_lt(uint32_t a, uint32_t b)
{
    return ct_barrier((a - b) >> 31);
}

/* 1 when a == b, else 0; a and b below 2^31. */
static uint32_t ct_eq(uint32_t a, uint32_t b)
{
    return ct_barrier(((a ^ b) - 1) >> 31);
}

/* Pad the n bytes at p to a whole number of blocks: k = 1..16 bytes of value k. */
static size_t pkcs7_pad(uint8_t *p, size_t n)
{
    size_t k = BLK - n % BLK;

    memset(p + n, (int)k, k);
    return k;
}

/*
 * Check the padding of the last decrypted block in constant time: its last
 * byte k must be 1..16 and the last k bytes must all equal k. Returns 1 and
 * sets *padlen = k, or returns 0 (and *padlen = 0).
 */
static uint32_t pkcs7_check(const uint8_t block[BLK], size_t *padlen)
{
    uint32_t k = block[BLK - 1];
    uint32_t ok = ct_lt(0, k) & ct_lt(k, BLK + 1);

    for (uint32_t i = 0; i < BLK; i++) {
        uint32_t in_pad = ct_lt(BLK - 1 - i, k); /* i >= 16 - k */

        ok &= (in_pad ^ 1) | ct_eq(block[i], k);
    }
    *padlen = k & (0u - ok);
    return ok;
}

/* ---- modes ----------------------------------------------------------------- */

static int module_failed(const char *fn, int rc)
{
    tool_error("enc: %s: %s", fn, tool_fm_error(rc));
    return TOOL_EXIT_FAIL;
}

static int run_cbc(const struct enc *e, const fm_aes_key *k, struct sink *s)
{
    uint8_t iv[BLK];
    uint64_t total = 0;
    size_t have = 0;
    size_t padlen;
    ssize_t n;
    int rc;

    memcpy(iv, e->iv, BLK);
    if (!e->decrypt) {
        for (;;) {
            n = read_full(e, iobuf, TOOL_CHUNK);
            if (n < 0)
                return TOOL_EXIT_FAIL;
            have = (size_t)n;
            if (have < TOOL_CHUNK)
                have += pkcs7_pad(iobuf, have);
            rc = fm_aes_cbc_encrypt(k, iv, iobuf, iobuf, have);
            if (rc != FM_OK)
                return module_failed("fm_aes_cbc_encrypt", rc);
            if (sink_write(s, iobuf, have) != 0)
                return TOOL_EXIT_FAIL;
            if ((size_t)n < TOOL_CHUNK)
                return TOOL_EXIT_OK;
        }
    }
    /* Decryption: the last block (16 bytes of the buffer) waits for the next chunk. */
    for (;;) {
        n = read_full(e, iobuf + have, TOOL_CHUNK);
        if (n < 0)
            return TOOL_EXIT_FAIL;
        have += (size_t)n;
        total += (uint64_t)n;
        if ((size_t)n < TOOL_CHUNK)
            break;
        rc = fm_aes_cbc_decrypt(k, iv, iobuf, iobuf, have - BLK);
        if (rc != FM_OK)
            return module_failed("fm_aes_cbc_decrypt", rc);
        if (sink_write(s, iobuf, have - BLK) != 0)
            return TOOL_EXIT_FAIL;
        memmove(iobuf, iobuf + have - BLK, BLK);
        have = BLK;
    }
    if (total == 0 || total % BLK != 0) {
        tool_error("enc: bad decrypt: the CBC input is %llu bytes, not a positive multiple "
                   "of 16 (truncated or not CBC); no output written", (unsigned long long)total);
        return TOOL_EXIT_FAIL;
    }
    rc = fm_aes_cbc_decrypt(k, iv, iobuf, iobuf, have);
    if (rc != FM_OK)
        return module_failed("fm_aes_cbc_decrypt", rc);
    if (!pkcs7_check(iobuf + have - BLK, &padlen)) {
        (void)fm_wipe(iobuf, have);
        tool_error("enc: bad decrypt: the CBC padding is invalid (wrong key or IV, or "
                   "corrupted data); no output written");
        return TOOL_EXIT_FAIL;
    }
    if (sink_write(s, iobuf, have - padlen) != 0)
        return TOOL_EXIT_FAIL;
    return TOOL_EXIT_OK;
}

static int run_ctr(const struct enc *e, const fm_aes_key *k, struct sink *s)
{
    uint8_t ctr[BLK];
    ssize_t n;
    int rc;

    memcpy(ctr, e->iv, BLK);
    do {
        n = read_full(e, iobuf, TOOL_CHUNK);
        if (n < 0)
            return TOOL_EXIT_FAIL;
        /* Whole chunks are whole blocks, so the counter carries on exactly. */
        rc = fm_aes_ctr(k, ctr, iobuf, iobuf, (size_t)n);
        if (rc != FM_OK)
            return module_failed("fm_aes_ctr", rc);
        if (sink_write(s, iobuf, (size_t)n) != 0)
            return TOOL_EXIT_FAIL;
    } while ((size_t)n == TOOL_CHUNK);
    return TOOL_EXIT_OK;
}


static int gcm_encrypt(const struct enc *e, fm_aes_gcm_key *gk, fm_aes_gcm_ctx *ctx,
                       struct sink *s)
{
    uint8_t iv[FM_AES_GCM_IV_LEN];
    uint8_t tag[TAG];
    ssize_t n;
    int rc;

    if (e->iv == NULL) {
        rc = fm_aes_gcm_start_geniv(ctx, gk, iv);
        if (rc != FM_OK)
            return module_failed("fm_aes_gcm_start_geniv", rc);
        if (sink_write(s, iv, sizeof iv) != 0)
            return TOOL_EXIT_FAIL;
    } else {
        rc = fm_aes_gcm_start(ctx, gk, FM_AES_GCM_ENCRYPT, e->iv, e->ivlen);
        if (rc != FM_OK)
            return module_failed("fm_aes_gcm_start", rc);
    }
    rc = fm_aes_gcm_aad(ctx, e->aad, e->aadlen);
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_aad", rc);
    do {
        n = read_full(e, iobuf, TOOL_CHUNK);
        if (n < 0)
            return TOOL_EXIT_FAIL;
        rc = fm_aes_gcm_update(ctx, iobuf, iobuf, (size_t)n);
        if (rc != FM_OK)
            return module_failed("fm_aes_gcm_update", rc);
        if (sink_write(s, iobuf, (size_t)n) != 0)
            return TOOL_EXIT_FAIL;
    } while ((size_t)n == TOOL_CHUNK);
    rc = fm_aes_gcm_encrypt_final(ctx, tag, sizeof tag);
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_encrypt_final", rc);
    return sink_write(s, tag, sizeof tag) == 0 ? TOOL_EXIT_OK : TOOL_EXIT_FAIL;
}

static int gcm_decrypt(const struct enc *e, const fm_aes_gcm_key *gk, fm_aes_gcm_ctx *ctx,
                       struct sink *s)
{
    uint8_t ivbuf[FM_AES_GCM_IV_LEN];
    const uint8_t *iv = e->iv;
    size_t ivlen = e->ivlen;
    uint8_t tag[TAG];
    size_t have = 0;
    ssize_t n;
    int rc;

    if (iv == NULL) {
        n = read_full(e, ivbuf, sizeof ivbuf);
        if (n < 0)
            return TOOL_EXIT_FAIL;
        if ((size_t)n < sizeof ivbuf) {
            tool_error("enc: the input is too short (%zd bytes): without -iv it must hold "
                       "the 12-byte IV and the 16-byte tag", n);
            return TOOL_EXIT_FAIL;
        }
        iv = ivbuf;
        ivlen = sizeof ivbuf;
    }
    rc = fm_aes_gcm_start(ctx, gk, FM_AES_GCM_DECRYPT, iv, ivlen);
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_start", rc);
    rc = fm_aes_gcm_aad(ctx, e->aad, e->aadlen);
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_aad", rc);
    /* The last 16 bytes of each chunk may be the tag: they wait for the next one. */
    for (;;) {
        n = read_full(e, iobuf + have, TOOL_CHUNK);
        if (n < 0)
            return TOOL_EXIT_FAIL;
        have += (size_t)n;
        if ((size_t)n < TOOL_CHUNK)
            break;
        rc = fm_aes_gcm_update(ctx, iobuf, iobuf, have - TAG);
        if (rc != FM_OK)
            return module_failed("fm_aes_gcm_update", rc);
        if (sink_write(s, iobuf, have - TAG) != 0)
            return TOOL_EXIT_FAIL;
        memmove(iobuf, iobuf + have - TAG, TAG);
        have = TAG;
    }
    if (have < TAG) {
        tool_error("enc: the input is too short: it ends before the 16-byte GCM tag");
        return TOOL_EXIT_FAIL;
    }
    have -= TAG;
    memcpy(tag, iobuf + have, TAG);
    rc = fm_aes_gcm_update(ctx, iobuf, iobuf, have);
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_update", rc);
    /* The last piece stays in memory until the tag is checked (zeroed if it fails). */
    rc = fm_aes_gcm_decrypt_final(ctx, tag, TAG, iobuf, have);
    if (rc == FM_ERR_VERIFY) {
        tool_error("enc: authentication failed: the GCM tag does not match (wrong key, IV "
                   "or AAD, or altered data); no output written");
        return TOOL_EXIT_FAIL;
    }
    if (rc != FM_OK)
        return module_failed("fm_aes_gcm_decrypt_final", rc);
    return sink_write(s, iobuf, have) == 0 ? TOOL_EXIT_OK : TOOL_EXIT_FAIL;
}

/* ---- the command --------------------------------------------------------------- */

/* Decode -OPT's hex into *out; returns 0 or the usage status (reported). */
static int decode_option(const char *opt, const char *hex, uint8_t **out, size_t *outlen)
{
    int rc = tool_hex_decode_alloc(hex, out, outlen);

    if (rc == -2) {
        tool_error("enc: out of memory");
        return TOOL_EXIT_FAIL;
    }
    if (rc != 0)
        return tool_usage("enc", "the %s value is not hex (an even number of digits 0-9, "
                                 "a-f, A-F)", opt);
    return 0;
}

/* Store argv[*i + 1] in *slot; returns 0 or the usage status (reported). */
static int option_value(int argc, char **argv, int *i, char **slot, const char *what)
{
    const char *opt = argv[*i];

    if (*i + 1 >= argc)
        return tool_usage("enc", "%s needs a value (%s)", opt, what);
    if (*slot != NULL)
        return tool_usage("enc", "%s given more than once", opt);
    *slot = argv[++*i];
    return 0;
}

static int parse(int argc, char **argv, const struct enc_cipher **cipher, bool *decrypt,
                 char **keyhex, char **ivhex, char **aadhex, char **in, char **out)
{
    bool enc_given = false;
    bool dec_given = false;
    int rc = 0;

    for (int i = 1; i < argc && rc == 0; i++) {
        const char *arg = argv[i];
        const struct enc_cipher *c = NULL;

        if (strcmp(arg, "-e") == 0) {
            enc_given = true;
        } else if (strcmp(arg, "-d") == 0) {
            dec_given = true;
        } else if (strcmp(arg, "-key") == 0) {
            rc = option_value(argc, argv, &i, keyhex, "the key in hex");
        } else if (strcmp(arg, "-iv") == 0) {
            rc = option_value(argc, argv, &i, ivhex, "the IV in hex");
        } else if (strcmp(arg, "-aad") == 0) {
            rc = option_value(argc, argv, &i, aadhex, "the AAD in hex");
        } else if (strcmp(arg, "-in") == 0) {
            rc = option_value(argc, argv, &i, in, "a file name");
        } else if (strcmp(arg, "-out") == 0) {
            rc = option_value(argc, argv, &i, out, "a file name");
        } else {
            for (size_t j = 0; j < sizeof ciphers / sizeof ciphers[0]; j++)
                if (strcmp(arg, ciphers[j].option) == 0)
                    c = &ciphers[j];
            if (c == NULL && arg[0] == '-')
                rc = tool_usage("enc", "unknown option '%s'", arg);
            else if (c == NULL)
                rc = tool_usage("enc", "unexpected argument '%s' (give the input with -in "
                                       "FILE)", arg);
            else if (*cipher != NULL)
                rc = tool_usage("enc", "more than one cipher ('%s' and '%s')",
                                (*cipher)->option, arg);
            else
                *cipher = c;
        }
    }
    if (rc != 0)
        return rc;
    if (enc_given && dec_given)
        return tool_usage("enc", "-e and -d cannot both be given");
    *decrypt = dec_given;
    if (*cipher == NULL)
        return tool_usage("enc", "no cipher: give one of -aes-{128,192,256}-{gcm,cbc,ctr}");
    if (*keyhex == NULL)
        return tool_usage("enc", "no key: give one with -key HEX");
    return 0;
}

static int enc_run(int argc, char **argv)
{
    const struct enc_cipher *cipher = NULL;
    char *keyhex = NULL, *ivhex = NULL, *aadhex = NULL, *in = NULL, *out = NULL;
    uint8_t *key = NULL, *iv = NULL, *aad = NULL;
    size_t keylen = 0, ivlen = 0, aadlen = 0;
    struct enc e;
    struct sink s;
    fm_aes_key k;
    fm_aes_gcm_key gk;
    fm_aes_gcm_ctx ctx;
    int status;
    int rc;

    memset(&e, 0, sizeof e);
    memset(&k, 0, sizeof k);
    memset(&gk, 0, sizeof gk);
    memset(&ctx, 0, sizeof ctx);
    e.in = -1;
    status = parse(argc, argv, &cipher, &e.decrypt, &keyhex, &ivhex, &aadhex, &in, &out);
    if (status != 0)
        goto done;

    status = decode_option("-key", keyhex, &key, &keylen);
    /* As `mac` does: shorten the time the key can be read from /proc/PID/cmdline. */
    (void)fm_wipe(keyhex, strlen(keyhex));
    keyhex = NULL;
    if (status == 0 && ivhex != NULL)
        status = decode_option("-iv", ivhex, &iv, &ivlen);
    if (status == 0 && aadhex != NULL)
        status = decode_option("-aad", aadhex, &aad, &aadlen);
    if (status != 0)
        goto done;
    if (keylen != cipher->keylen) {
        status = tool_usage("enc", "%s needs a %zu-byte key (%zu hex digits); -key has %zu "
                            "bytes", cipher->option, cipher->keylen, 2 * cipher->keylen, keylen);
        goto done;
    }
    if (cipher->mode != ENC_GCM && iv == NULL) {
        status = tool_usage("enc", "%s needs -iv HEX (16 bytes)", cipher->option);
        goto done;
    }
    if (cipher->mode != ENC_GCM && ivlen != BLK) {
        status = tool_usage("enc", "%s needs a 16-byte -iv (32 hex digits); it has %zu bytes",
                            cipher->option, ivlen);
        goto done;
    }
    if (cipher->mode == ENC_GCM && iv != NULL && ivlen == 0) {
        status = tool_usage("enc", "the GCM -iv must be at least 1 byte long");
        goto done;
    }
    if (cipher->mode != ENC_GCM && aad != NULL) {
        status = tool_usage("enc", "-aad applies to GCM only, not %s", cipher->option);
        goto done;
    }
    e.iv = iv;
    e.ivlen = ivlen;
    e.aad = aad;
    e.aadlen = aadlen;

    if (cipher->mode == ENC_GCM) {
        rc = fm_aes_gcm_init(&gk, key, keylen);
        if (rc != FM_OK) {
            status = module_failed("fm_aes_gcm_init", rc);
            goto done;
        }
    } else {
        rc = fm_aes_init(&k, key, keylen);
        if (rc != FM_OK) {
            status = module_failed("fm_aes_init", rc);
            goto done;
        }
    }
    /* FIPS 140-3 AS09.28: the key is not needed once it is in the schedule. */
    (void)fm_wipe(key, keylen);

    if (in == NULL || strcmp(in, "-") == 0) {
        e.in = STDIN_FILENO;
        e.in_name = "standard input";
    } else {
        e.in = open(in, O_RDONLY | O_CLOEXEC);
        e.in_name = in;
        if (e.in < 0) {
            tool_error("enc: %s: %s", in, strerror(errno));
            status = TOOL_EXIT_FAIL;
            goto done;
        }
    }
    if (sink_open(&s, out, e.decrypt && cipher->mode != ENC_CTR) != 0) {
        sink_abort(&s);
        status = TOOL_EXIT_FAIL;
        goto done;
    }

    switch (cipher->mode) {
    case ENC_CBC: status = run_cbc(&e, &k, &s); break;
    case ENC_CTR: status = run_ctr(&e, &k, &s); break;
    default:
        status = e.decrypt ? gcm_decrypt(&e, &gk, &ctx, &s) : gcm_encrypt(&e, &gk, &ctx, &s);
        break;
    }
    /* Wipe the plaintext before the held output is copied (commit reuses iobuf). */
    (void)fm_wipe(iobuf, sizeof iobuf);
    if (status == TOOL_EXIT_OK && sink_commit(&s) != 0)
        status = TOOL_EXIT_FAIL;
    else if (status != TOOL_EXIT_OK)
        sink_abort(&s);

done:
    if (e.in > STDIN_FILENO)
        (void)close(e.in);
    (void)fm_wipe(iobuf, sizeof iobuf);
    (void)fm_aes_gcm_ctx_wipe(&ctx);
    (void)fm_aes_gcm_wipe(&gk);
    (void)fm_aes_wipe(&k);
    if (key != NULL)
        (void)fm_wipe(key, keylen);
    if (keyhex != NULL)
        (void)fm_wipe(keyhex, strlen(keyhex));
    free(key);
    free(iv);
    free(aad);
    return status;
}

const struct tool_cmd tool_cmd_enc = {
    "enc",
    "AES-GCM, AES-CBC and AES-CTR encryption and decryption of a stream",
    enc_help,
    enc_run,
};
