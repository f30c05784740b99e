#include "guest.h"

int main(void)
{
    puts_("Hello from ftvm guest!\n");
    printf_("hart %lu, 2+2=%d\n", csr_read(mhartid), 2 + 2);
    return 0;
}
