/*
 * fuzz_corpus_main.c - runs the content fuzz target over a corpus without
 * libFuzzer: every file in the folders given on the command line goes
 * through LLVMFuzzerTestOneInput once (CTest content.fuzz-corpus).
 */
#include "pack_fixture.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    size_t runs = 0;
    for (int a = 1; a < argc; a++) {
        DIR *d = opendir(argv[a]);
        if (!d) {
            fprintf(stderr, "fuzz corpus: cannot open %s\n", argv[a]);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
            size_t len;
            char *data = fixture_read(path, &len);
            if (!data) {
                fprintf(stderr, "fuzz corpus: cannot read %s\n", path);
                closedir(d);
                return 1;
            }
            LLVMFuzzerTestOneInput((const uint8_t *)data, len);
            free(data);
            runs++;
        }
        closedir(d);
    }
    printf("%zu inputs run\n", runs);
    return runs > 0 ? 0 : 1;
}
