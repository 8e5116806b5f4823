/*
 * fuzz_sim_corpus.c - sim.fuzz-corpus: every file of tests/sim/fuzz-corpus
 * through fuzz_sim.c's LLVMFuzzerTestOneInput once, without libFuzzer, so CI
 * replays the corpus (under the sanitizers when MINIFAB_SANITIZE=ON).
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    size_t runs = 0;
    for (int a = 1; a < argc; a++) {
        DIR *dir = opendir(argv[a]);
        if (!dir) {
            fprintf(stderr, "fuzz corpus: cannot open %s\n", argv[a]);
            return 1;
        }
        struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
            FILE *f = fopen(path, "rb");
            if (!f) {
                closedir(dir);
                return 1;
            }
            uint8_t buf[4096];
            size_t n = fread(buf, 1, sizeof buf, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
            runs++;
        }
        closedir(dir);
    }
    printf("%zu inputs run\n", runs);
    return runs > 0 ? 0 : 1;
}
