/*
 * link.c - a program that does nothing. `make layers-check` links each
 * layer's whole archive into it with that layer's libraries only (Makefile,
 * LAYER_LINKS), so a call across the layers is an undefined reference.
 */
int main(void)
{
    return 0;
}
