/* cli.h - the subcommands of the newsfs command line (cli.c). Each takes
 * argv with argv[0] = the subcommand name and returns the exit status. */
#ifndef NFS_CLI_H
#define NFS_CLI_H

int cli_index(int argc, char **argv);
int cli_mount(int argc, char **argv);
int cli_search(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_tree(const char *cmd, int argc, char **argv);
int cli_enrich(int argc, char **argv);
int cli_check(int argc, char **argv);

#endif
