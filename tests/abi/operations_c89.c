/* Compiled as C89 with -Wall -Wextra -pedantic -Werror by abi.operations_c89: the operation table
 * must stay usable from a plain-C plugin built with the oldest compilers' settings. */
#include "ats_operations.h"

#define OPERATION_ROW(name, shape) {name, shape},
static const struct {
    const char *name;
    ats_result_shape_t shape;
} operations[] = {ATS_OPERATIONS(OPERATION_ROW)};

int operations_c89_blobs(void);
int operations_c89_blobs(void) {
    int blobs = 0;
    unsigned i;
    for (i = 0; i < sizeof operations / sizeof operations[0]; ++i)
        if (operations[i].shape == ATS_RESULT_BLOB && operations[i].name[0] != '\0') ++blobs;
    return blobs;
}
