/* cli.c - PLACEHOLDER while the core lands. */
#include "cli.h"

#include <stdio.h>

int cli_index(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_mount(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_search(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_explain(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_tree(const char *cmd, int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
