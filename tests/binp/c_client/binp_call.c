/* A BINP client written from protocol/BINP.md alone (no fakees code), to show that
 * the specification is enough for another language.  It does what the report's
 * Java client does: HELLO, initialize(true), srv01.CBLAPP01 with four OUT
 * arguments (String, String, String, Long), then prints the values trimmed and
 * joined by spaces.  Usage: binp_call HOST PORT FUNCTION.  Exit 1 on any error. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sock;
static unsigned char frame[1 << 20];

static void die(const char *what) { fprintf(stderr, "binp_call: %s\n", what); exit(1); }

static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

static void send_frame(int type, uint32_t call_id, const unsigned char *payload, uint32_t len) {
    unsigned char head[12] = {'B', 'P', (unsigned char)type, 0};
    put32(head + 4, call_id);
    put32(head + 8, len);
    if (write(sock, head, 12) != 12 || write(sock, payload, len) != (ssize_t)len) die("write failed");
}

static void read_exact(unsigned char *p, uint32_t n) {
    while (n) {
        ssize_t got = read(sock, p, n);
        if (got <= 0) die("connection closed");
        p += got; n -= got;
    }
}

/* Reads one frame into `frame`; returns its payload length; fails on ERROR frames. */
static uint32_t read_frame(int want_type, uint32_t want_id) {
    unsigned char head[12];
    read_exact(head, 12);
    if (head[0] != 'B' || head[1] != 'P' || head[3] != 0) die("bad header");
    uint32_t len = get32(head + 8);
    if (len > sizeof frame) die("frame too large");
    read_exact(frame, len);
    if (head[2] == 0x12) {
        fprintf(stderr, "binp_call: ERROR %u: %.*s\n", frame[0] << 8 | frame[1], (int)get32(frame + 2), frame + 6);
        exit(1);
    }
    if (head[2] != want_type || get32(head + 4) != want_id) die("unexpected frame");
    return len;
}

static size_t put_string(unsigned char *p, const char *s) {
    size_t n = strlen(s);
    put32(p, n);
    memcpy(p + 4, s, n);
    return 4 + n;
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage: binp_call HOST PORT FUNCTION");
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0) die("cannot resolve host");
    sock = socket(ai->ai_family, SOCK_STREAM, 0);
    if (connect(sock, ai->ai_addr, ai->ai_addrlen) != 0) die("connection refused");

    unsigned char p[512];
    size_t n = 0;
    p[n++] = 1; p[n++] = 1;                       /* versions 1..1 */
    n += put_string(p + n, "binp_call.c");
    send_frame(0x01, 0, p, n);                    /* HELLO */
    read_frame(0x02, 0);                          /* WELCOME */
    if (frame[0] != 1) die("server chose another version");

    n = put_string(p, "initialize");
    p[n++] = 0; p[n++] = 1;                       /* one argument */
    p[n++] = 1; p[n++] = 5; p[n++] = 1;           /* IN Boolean true */
    send_frame(0x10, 1, p, n);
    read_frame(0x11, 1);

    n = put_string(p, argv[3]);
    p[n++] = 0; p[n++] = 4;                       /* four OUT arguments, no values */
    const unsigned char types[4] = {1, 1, 1, 2};  /* String String String Long */
    for (int i = 0; i < 4; i++) { p[n++] = 2; p[n++] = types[i]; }
    send_frame(0x10, 2, p, n);
    uint32_t len = read_frame(0x11, 2);

    const unsigned char *r = frame;
    if (len < 2 || (r[0] << 8 | r[1]) != 4) die("reply does not carry four arguments");
    r += 2;
    for (int i = 0; i < 4; i++) {
        if (r[0] != 2 || r[1] != types[i]) die("reply argument has the wrong type");
        r += 2;
        if (types[i] == 1) {
            uint32_t slen = get32(r);
            int shown = (int)slen;
            while (shown > 0 && r[4 + shown - 1] == ' ') shown--;
            printf("%.*s ", shown, r + 4);
            r += 4 + slen;
        } else {
            int64_t v = 0;
            for (int b = 0; b < 8; b++) v = v << 8 | r[b];
            printf("%lld\n", (long long)v);
            r += 8;
        }
    }
    close(sock);
    return 0;
}
