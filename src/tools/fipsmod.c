/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fipsmod command-line tool: main(), the table of commands and `help`.
 *
 * The table below is the single list of commands; `fipsmod help` prints it
 * and `fipsmod help CMD` (or `fipsmod CMD --help`) prints that command's
 * own text, so a command documented anywhere else cannot drift from the
 * one that runs. The module is initialised before any command runs, and a
 * failing fm_init() stops the tool: nothing it would print afterwards could
 * be trusted. The exceptions are `status` and `selftest`, whose job is to
 * report that failure (the module is then in its error state).
 */
#include "tool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct tool_cmd tool_cmd_help;

/* Alphabetical: the order `fipsmod help` lists them in. */
static const struct tool_cmd *const commands[] = {
    &tool_cmd_acvp,
    &tool_cmd_decrypt,
    &tool_cmd_dgst,
    &tool_cmd_enc,
    &tool_cmd_encrypt,
    &tool_cmd_genpkey,
    &tool_cmd_help,
    &tool_cmd_mac,
    &tool_cmd_pkey,
    &tool_cmd_rand,
    &tool_cmd_selftest,
    &tool_cmd_sign,
    &tool_cmd_status,
    &tool_cmd_verify,
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct tool_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void list_commands(FILE *f)
{
    fputs("usage: fipsmod COMMAND [ARGS...]\n\nCommands:\n", f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\nRun 'fipsmod help COMMAND' (or 'fipsmod COMMAND --help') for the\n"
          "usage, options and examples of one command.\n"
          "Exit status: 0 success, 1 failure, 2 usage error, 3 not supported.\n"
          "Environment: FIPSMOD_STRICT=1 refuses non-approved services (strict\n"
          "mode); FIPSMOD_CPU=portable|-feature,... holds back CPU features.\n", f);
}

static const char help_help[] =
    "usage: fipsmod help [COMMAND]\n"
    "\n"
    "Without COMMAND, list the commands. With COMMAND, show its usage, options,\n"
    "exit status and examples.\n"
    "\n"
    "Exit status: 0, or 2 when COMMAND does not exist.\n"
    "\n"
    "Examples:\n"
    "  fipsmod help\n"
    "  fipsmod help acvp\n"
    "  fipsmod help enc\n"
    "  fipsmod help sign\n";

static int help_run(int argc, char **argv)
{
    const struct tool_cmd *cmd;

    if (argc < 2) {
        list_commands(stdout);
        return TOOL_EXIT_OK;
    }
    if (argc > 2)
        return tool_usage("help", "expected one command name, got %d", argc - 1);
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        tool_error("unknown command '%s'; run 'fipsmod help' for the list", argv[1]);
        return TOOL_EXIT_USAGE;
    }
    fputs(cmd->help, stdout);
    return TOOL_EXIT_OK;
}

const struct tool_cmd tool_cmd_help = {
    "help",
    "list the commands, or show the documentation of one",
    help_help,
    help_run,
};

/* A -h/--help anywhere before "--" asks for the command's text. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (tool_is_help_option(argv[i]))
            return true;
    }
    return false;
}

static int finish_output(int status)
{
    /* A digest that never reached its reader must not look like success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        tool_error("write error on standard output: %s", strerror(errno));
        return TOOL_EXIT_FAIL;
    }
    return status;
}

int main(int argc, char **argv)
{
    const struct tool_cmd *cmd;
    int rc;

    if (argc < 2) {
        list_commands(stderr);
        return TOOL_EXIT_USAGE;
    }
    if (tool_is_help_option(argv[1]))
        return finish_output(help_run(1, argv + 1));
    cmd = find_command(argv[1]);
    if (cmd == NULL) {
        tool_error("unknown command '%s'; run 'fipsmod help' for the list", argv[1]);
        return TOOL_EXIT_USAGE;
    }
    if (cmd != &tool_cmd_help && wants_help(argc - 1, argv + 1)) {
        fputs(cmd->help, stdout);
        return finish_output(TOOL_EXIT_OK);
    }
    /* FIPSMOD_STRICT=1: run the command with strict mode on, so that a
     * non-approved service is refused (FM_ERR_NOT_APPROVED). */
    const char *strict = getenv("FIPSMOD_STRICT");
    rc = fm_init(strict != NULL && strcmp(strict, "1") == 0 ? FM_INIT_STRICT : 0);
    if (rc != FM_OK && cmd != &tool_cmd_status && cmd != &tool_cmd_selftest) {
        tool_error("module initialisation failed: fm_init: %s", tool_fm_error(rc));
        return TOOL_EXIT_FAIL;
    }
    return finish_output(cmd->run(argc - 1, argv + 1));
}
