/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fm-inject: the build-time checker and integrity-value injector for the
 * module object (module-boundary.md).
 *
 *   fm-inject IN.o OUT.o
 *
 * IN.o is the relocatable module object made by `ld -r -T module.lds`: its
 * .text holds the hashed range [fm_module_start, fm_module_end) followed by
 * the glue. The integrity test only works if the bytes of that range in
 * memory are the same after every final link (static or shared, PIE or
 * not, with --gc-sections, stripped). So, for every relocation that falls
 * inside the range, this tool checks that it is PC-relative (R_X86_64_PC32
 * or R_X86_64_PLT32) against a local symbol of the same section: its value
 * is then a fixed difference of two offsets that no link can change. Any
 * other relocation -- an absolute address (a pointer table), a GOT or PLT
 * entry, TLS, a call to a global function that the final link could
 * interpose, data outside the section -- is rejected with the name of its
 * symbol, and the build fails.
 *
 * It then applies those relocations to a copy of the range, which gives
 * exactly the bytes the loaded module will hold, computes
 * HMAC-SHA-256(INTEGRITY_KEY, INTEGRITY_TAG || be64(n) || range)
 * (integrity.h) with the module's own HMAC code compiled into this tool,
 * and writes the value over the 32-byte placeholder symbol
 * fm_module_expected_hmac (in the glue, outside the range).
 *
 * x86-64 ELF only, like the rest of the build.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The module's own code, for HMAC-SHA-256. What it expects from the glue
 * is supplied below with inert values: this tool never powers the module
 * up, it only calls the internal hash functions. */
#include "../module/module.c"

struct module_vars *fm_glue_vars(void)
{
    static struct module_vars vars;
    return &vars;
}

struct glue_thread *fm_glue_thread(void)
{
    static struct glue_thread thread;
    return &thread;
}

const uint8_t *fm_glue_expected_hmac(void)
{
    static const uint8_t none[32];
    return none;
}

uint32_t fm_glue_cpu_mask(void)
{
    return FM_CPU_PORTABLE;
}

uint64_t fm_glue_now_us(void)
{
    return 0;
}

void fm_glue_yield(void)
{
}

int fm_glue_entropy(uint8_t *out, size_t len)
{
    memset(out, 0, len);
    return -1;
}

uint64_t fm_glue_fork_generation(void)
{
    return 0;
}

#ifdef FM_BREAK_TESTS
const char *fm_glue_break_name(void)
{
    return NULL;
}
#endif

const uint8_t fm_module_start[1];
const uint8_t fm_module_end[1];

/* ---- ELF access ------------------------------------------------------- */

struct elf_file {
    const char *path;
    uint8_t *data;
    size_t size;
    Elf64_Ehdr *eh;
    Elf64_Shdr *sh;
    Elf64_Sym *syms;
    size_t nsyms;
    const char *strtab;
    const char *shstrtab;
};

static void die(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "fm-inject: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    exit(1);
}

static void *in_file(const struct elf_file *f, uint64_t off, uint64_t len)
{
    if (off > f->size || len > f->size - off)
        die("%s: truncated or corrupt ELF file%s", f->path, "");
    return f->data + off;
}

static void elf_load(struct elf_file *f, const char *path)
{
    FILE *fp = fopen(path, "rb");
    long n = -1;

    if (fp == NULL)
        die("%s: %s", path, strerror(errno));
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
        die("%s: cannot size the file%s", path, "");
    f->path = path;
    f->size = (size_t)n;
    f->data = malloc(f->size ? f->size : 1);
    if (f->data == NULL || fread(f->data, 1, f->size, fp) != f->size)
        die("%s: cannot read the file%s", path, "");
    fclose(fp);

    f->eh = in_file(f, 0, sizeof *f->eh);
    if (memcmp(f->eh->e_ident, ELFMAG, SELFMAG) != 0 || f->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        f->eh->e_ident[EI_DATA] != ELFDATA2LSB || f->eh->e_machine != EM_X86_64)
        die("%s: not a little-endian x86-64 ELF64 file%s", path, "");
    if (f->eh->e_type != ET_REL)
        die("%s: not a relocatable object (run on the output of ld -r)%s", path, "");
    if (f->eh->e_shentsize != sizeof(Elf64_Shdr))
        die("%s: unexpected section header size%s", path, "");
    f->sh = in_file(f, f->eh->e_shoff, (uint64_t)f->eh->e_shnum * sizeof(Elf64_Shdr));
    if (f->eh->e_shstrndx >= f->eh->e_shnum)
        die("%s: no section name table%s", path, "");
    f->shstrtab = in_file(f, f->sh[f->eh->e_shstrndx].sh_offset, f->sh[f->eh->e_shstrndx].sh_size);
    for (size_t i = 0; i < f->eh->e_shnum; i++) {
        if (f->sh[i].sh_type != SHT_SYMTAB)
            continue;
        f->syms = in_file(f, f->sh[i].sh_offset, f->sh[i].sh_size);
        f->nsyms = f->sh[i].sh_size / sizeof(Elf64_Sym);
        if (f->sh[i].sh_link >= f->eh->e_shnum)
            die("%s: symbol table without strings%s", path, "");
        f->strtab = in_file(f, f->sh[f->sh[i].sh_link].sh_offset, f->sh[f->sh[i].sh_link].sh_size);
    }
    if (f->syms == NULL)
        die("%s: no symbol table (was it stripped?)%s", path, "");
}

static const char *section_name(const struct elf_file *f, size_t i)
{
    return f->shstrtab + f->sh[i].sh_name;
}

/* A readable name for a relocation's symbol: its own, or its section's. */
static const char *symbol_name(const struct elf_file *f, const Elf64_Sym *s)
{
    if (ELF64_ST_TYPE(s->st_info) == STT_SECTION && s->st_shndx < f->eh->e_shnum)
        return section_name(f, s->st_shndx);
    if (s->st_name == 0)
        return "(unnamed)";
    return f->strtab + s->st_name;
}

static const Elf64_Sym *find_symbol(const struct elf_file *f, const char *name)
{
    for (size_t i = 0; i < f->nsyms; i++)
        if (f->syms[i].st_name != 0 && strcmp(f->strtab + f->syms[i].st_name, name) == 0)
            return &f->syms[i];
    die("%s: no symbol %s", f->path, name);
    return NULL;
}

static const char *reloc_type_name(uint32_t t)
{
    switch (t) {
    case R_X86_64_64:        return "R_X86_64_64 (absolute address)";
    case R_X86_64_PC32:      return "R_X86_64_PC32";
    case R_X86_64_PLT32:     return "R_X86_64_PLT32";
    case R_X86_64_GOTPCREL:  return "R_X86_64_GOTPCREL (GOT entry)";
    case R_X86_64_GOTPCRELX: return "R_X86_64_GOTPCRELX (GOT entry)";
    case R_X86_64_REX_GOTPCRELX: return "R_X86_64_REX_GOTPCRELX (GOT entry)";
    case R_X86_64_32:        return "R_X86_64_32 (absolute address)";
    case R_X86_64_32S:       return "R_X86_64_32S (absolute address)";
    case R_X86_64_TPOFF32:   return "R_X86_64_TPOFF32 (TLS)";
    case R_X86_64_GOTTPOFF:  return "R_X86_64_GOTTPOFF (TLS)";
    case R_X86_64_TLSGD:     return "R_X86_64_TLSGD (TLS)";
    case R_X86_64_TLSLD:     return "R_X86_64_TLSLD (TLS)";
    case R_X86_64_PC64:      return "R_X86_64_PC64";
    default:                 return "another relocation type";
    }
}

int main(int argc, char **argv)
{
    struct elf_file f = {0};
    const Elf64_Sym *start, *end, *slot;
    size_t text, checked = 0, errors = 0;
    uint8_t *range, mac[32];
    uint64_t n;

    if (argc != 3) {
        fprintf(stderr, "usage: fm-inject IN.o OUT.o\n");
        return 2;
    }
    elf_load(&f, argv[1]);
    start = find_symbol(&f, "fm_module_start");
    end = find_symbol(&f, "fm_module_end");
    slot = find_symbol(&f, "fm_module_expected_hmac");
    text = start->st_shndx;
    if (text == SHN_UNDEF || text >= f.eh->e_shnum || end->st_shndx != text ||
        slot->st_shndx != text || end->st_value < start->st_value)
        die("%s: fm_module_start, fm_module_end and fm_module_expected_hmac must lie in "
            "one section, in that order%s", f.path, "");
    if (slot->st_value < end->st_value || slot->st_size != 32)
        die("%s: fm_module_expected_hmac must be 32 bytes after fm_module_end%s", f.path, "");
    if (f.sh[text].sh_type != SHT_PROGBITS || end->st_value > f.sh[text].sh_size)
        die("%s: the hashed range lies outside section %s", f.path, section_name(&f, text));

    n = end->st_value - start->st_value;
    range = malloc(n ? n : 1);
    if (range == NULL)
        die("out of memory%s%s", "", "");
    memcpy(range, in_file(&f, f.sh[text].sh_offset + start->st_value, n), n);

    /* Every relocation section that applies to the hashed section. */
    for (size_t r = 0; r < f.eh->e_shnum; r++) {
        const Elf64_Shdr *rs = &f.sh[r];
        if (rs->sh_type == SHT_REL && rs->sh_info == text)
            die("%s: REL relocations are not expected on x86-64 (section %s)", f.path,
                section_name(&f, r));
        if (rs->sh_type != SHT_RELA || rs->sh_info != text)
            continue;
        const Elf64_Rela *rel = in_file(&f, rs->sh_offset, rs->sh_size);
        for (size_t i = 0; i < rs->sh_size / sizeof *rel; i++) {
            uint64_t off = rel[i].r_offset;
            uint32_t type = (uint32_t)ELF64_R_TYPE(rel[i].r_info);
            size_t si = ELF64_R_SYM(rel[i].r_info);
            if (off + 8 <= start->st_value || off >= end->st_value || type == R_X86_64_NONE)
                continue; /* outside the range (8: the widest relocation) */
            if (si >= f.nsyms)
                die("%s: relocation with a bad symbol index%s", f.path, "");
            const Elf64_Sym *s = &f.syms[si];
            const char *why = NULL;
            int bind = ELF64_ST_BIND(s->st_info);
            if (type != R_X86_64_PC32 && type != R_X86_64_PLT32)
                why = reloc_type_name(type);
            else if (s->st_shndx != text)
                why = s->st_shndx == SHN_UNDEF ? "a symbol outside the module object"
                                               : "a symbol in another section";
            else if (bind != STB_LOCAL)
                why = "a global symbol, which the final link could interpose";
            else if (off < start->st_value || off + 4 > end->st_value)
                why = "a relocation that straddles the range boundary";
            if (why != NULL) {
                fprintf(stderr, "fm-inject: %s: %s+0x%llx: %s against '%s' inside the hashed "
                        "range: %s\n", f.path, section_name(&f, text),
                        (unsigned long long)off, reloc_type_name(type), symbol_name(&f, s),
                        why == reloc_type_name(type) ? "only PC-relative references within "
                        "the module's section give the same bytes after every link" : why);
                errors++;
                continue;
            }
            /* S + A - P, both offsets in the same section. */
            int64_t v = (int64_t)s->st_value + rel[i].r_addend - (int64_t)off;
            if (v < INT32_MIN || v > INT32_MAX)
                die("%s: PC-relative displacement overflow against '%s'", f.path, symbol_name(&f, s));
            uint32_t u = (uint32_t)(int32_t)v;
            uint8_t *p = range + (off - start->st_value);
            p[0] = (uint8_t)u;
            p[1] = (uint8_t)(u >> 8);
            p[2] = (uint8_t)(u >> 16);
            p[3] = (uint8_t)(u >> 24);
            checked++;
        }
    }
    if (errors != 0) {
        fprintf(stderr, "fm-inject: %zu forbidden construct%s inside the module; see "
                "module-boundary.md\n", errors, errors == 1 ? "" : "s");
        return 1;
    }

    integrity_compute(range, n, mac);

    uint8_t *dst = in_file(&f, f.sh[text].sh_offset + slot->st_value, 32);
    if (memcmp(dst, GLUE_HMAC_PLACEHOLDER, 32) != 0)
        die("%s: fm_module_expected_hmac does not hold the placeholder (injected twice?)%s",
            f.path, "");
    memcpy(dst, mac, 32);

    FILE *out = fopen(argv[2], "wb");
    if (out == NULL || fwrite(f.data, 1, f.size, out) != f.size || fclose(out) != 0)
        die("%s: cannot write: %s", argv[2], strerror(errno));
    printf("fm-inject: %s: range %llu bytes, %zu relocations checked, HMAC ",
           argv[2], (unsigned long long)n, checked);
    for (int i = 0; i < 32; i++)
        printf("%02x", mac[i]);
    printf("\n");
    free(range);
    free(f.data);
    return 0;
}
