/* bench_main.c: entry point of minirec-bench, one program for every C
 * benchmark, built natively and as WebAssembly (see bench/run.sh).
 * Usage: minirec-bench sgd|pipeline|rank|parse [options] */
#include <stdio.h>
#include <string.h>

#include "bench.h"

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } benches[] = {
        {"sgd", bench_sgd},
        {"pipeline", bench_pipeline},
        {"rank", bench_rank},
        {"parse", bench_parse},
    };
    if (argc >= 2) {
        for (size_t i = 0; i < sizeof benches / sizeof benches[0]; i++)
            if (strcmp(argv[1], benches[i].name) == 0)
                return benches[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "usage: minirec-bench sgd|pipeline|rank|parse [options]; "
                    "bench/README.md lists the options\n");
    return 2;
}
