/* IG_PLACEHOLDER: replaced by the real CLI. */
#include <stdio.h>

int main(void)
{
    fputs("integrid: not built yet\n", stderr);
    return 1;
}
