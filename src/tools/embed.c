/* embed.c - build tool: turn a data file into a C source file so that the
 * data is compiled into newsfs and nothing is read from disk at run time.
 *
 *   embed FILE SYMBOL > out.c
 *
 * defines  const unsigned char SYMBOL[];  (NUL-terminated)
 *          const unsigned long SYMBOL_len; (length without the NUL)
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: embed FILE SYMBOL\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    printf("/* generated from %s by src/tools/embed.c; do not edit */\n", argv[1]);
    printf("const unsigned char %s[] = {\n", argv[2]);
    unsigned long n = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        printf("%u,", (unsigned)c);
        if (++n % 24 == 0)
            putchar('\n');
    }
    if (ferror(f)) {
        perror(argv[1]);
        fclose(f);
        return 1;
    }
    fclose(f);
    printf("0};\nconst unsigned long %s_len = %luUL;\n", argv[2], n);
    return 0;
}
