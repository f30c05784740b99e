/*
 * kvserver: the network service of ftvm's Linux guest. A TCP key-value store with a line protocol and keep-alive
 * connections, served by one process with poll():
 *
 *   SET key value   -> OK            (with -d FILE: appended to FILE and fsync'ed before the reply)
 *   GET key         -> VALUE value | NOTFOUND
 *   DEL key         -> OK | NOTFOUND
 *   COUNT           -> COUNT n
 *   anything else   -> ERR message
 *
 * Keys are up to 64 bytes without spaces, values up to 256 bytes, lines up to 400 bytes. With -d the store is
 * rebuilt from FILE at start, so acknowledged writes survive a restart.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_KEYS 4096
#define KEY_MAX 64
#define VALUE_MAX 256
#define LINE_MAX_LEN 400
#define MAX_CLIENTS 64

struct entry { char key[KEY_MAX + 1]; char value[VALUE_MAX + 1]; int used; };
struct client { int fd; char buf[LINE_MAX_LEN + 1]; size_t len; };

static struct entry table[MAX_KEYS];
static struct client clients[MAX_CLIENTS];
static int log_fd = -1;

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    while (*s) { h = (h ^ (unsigned char) *s++) * 16777619u; }
    return h;
}

static struct entry *find(const char *key, int create) {
    unsigned i = hash(key) % MAX_KEYS;
    struct entry *free_slot = NULL;
    for (unsigned n = 0; n < MAX_KEYS; n++, i = (i + 1) % MAX_KEYS) {
        struct entry *e = &table[i];
        if (e->used == 1 && strcmp(e->key, key) == 0) return e;
        if (e->used == 2 && !free_slot) free_slot = e;
        if (e->used == 0) { if (!free_slot) free_slot = e; break; }
    }
    if (!create || !free_slot) return NULL;
    strcpy(free_slot->key, key);
    free_slot->used = 1;
    return free_slot;
}

static int count(void) {
    int n = 0;
    for (int i = 0; i < MAX_KEYS; i++) n += table[i].used == 1;
    return n;
}

/* Applies one command; writes the reply into out. persist: append mutations to the log first. */
static void apply(char *line, char *out, size_t outlen, int persist) {
    char *cmd = strtok(line, " ");
    char *key = strtok(NULL, " ");
    char *value = strtok(NULL, "");
    if (!cmd) { snprintf(out, outlen, "ERR empty line\n"); return; }
    if (strcmp(cmd, "COUNT") == 0) { snprintf(out, outlen, "COUNT %d\n", count()); return; }
    if (!key || strlen(key) > KEY_MAX) { snprintf(out, outlen, "ERR missing or too long key\n"); return; }
    if (strcmp(cmd, "GET") == 0) {
        struct entry *e = find(key, 0);
        if (e) snprintf(out, outlen, "VALUE %s\n", e->value); else snprintf(out, outlen, "NOTFOUND\n");
        return;
    }
    if (strcmp(cmd, "SET") == 0 || strcmp(cmd, "DEL") == 0) {
        int set = cmd[0] == 'S';
        if (set && (!value || strlen(value) > VALUE_MAX)) {
            snprintf(out, outlen, "ERR missing or too long value\n");
            return;
        }
        struct entry *e = find(key, set);
        if (!set && !e) { snprintf(out, outlen, "NOTFOUND\n"); return; }
        if (!e) { snprintf(out, outlen, "ERR store full\n"); return; }
        if (persist && log_fd >= 0) {
            char rec[LINE_MAX_LEN + 2];
            int n = set ? snprintf(rec, sizeof rec, "SET %s %s\n", key, value) : snprintf(rec, sizeof rec, "DEL %s\n", key);
            if (write(log_fd, rec, n) != n || fsync(log_fd) != 0) {
                snprintf(out, outlen, "ERR disk: %s\n", strerror(errno));
                return;
            }
        }
        if (set) strcpy(e->value, value); else e->used = 2;
        snprintf(out, outlen, "OK\n");
        return;
    }
    snprintf(out, outlen, "ERR unknown command %s\n", cmd);
}

static void replay_log(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[LINE_MAX_LEN + 2], reply[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        apply(line, reply, sizeof reply, 0);
        n++;
    }
    fclose(f);
    printf("kvserver: %d records replayed from %s\n", n, path);
}

int main(int argc, char **argv) {
    int port = 7000;
    const char *log_path = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "p:d:")) != -1) {
        if (opt == 'p') port = atoi(optarg);
        else if (opt == 'd') log_path = optarg;
        else { fprintf(stderr, "usage: kvserver [-p PORT] [-d LOGFILE]\n"); return 2; }
    }
    if (log_path) {
        replay_log(log_path);
        log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (log_fd < 0) { perror(log_path); return 1; }
    }
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(ls, (struct sockaddr *) &a, sizeof a) != 0 || listen(ls, 16) != 0) { perror("kvserver"); return 1; }
    printf("kvserver: listening on port %d%s\n", port, log_path ? " (persistent)" : "");
    fflush(stdout);
    for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
    struct pollfd fds[MAX_CLIENTS + 1];
    for (;;) {
        int n = 0;
        fds[n].fd = ls; fds[n].events = POLLIN; n++;
        for (int i = 0; i < MAX_CLIENTS; i++) {
            fds[n].fd = clients[i].fd; fds[n].events = POLLIN; fds[n].revents = 0; n++;
        }
        if (poll(fds, n, -1) < 0) { if (errno == EINTR) continue; perror("poll"); return 1; }
        if (fds[0].revents & POLLIN) {
            int c = accept(ls, NULL, NULL);
            int slot = -1;
            for (int i = 0; i < MAX_CLIENTS && c >= 0; i++) if (clients[i].fd < 0) { slot = i; break; }
            if (slot < 0) { if (c >= 0) close(c); }
            else { clients[slot].fd = c; clients[slot].len = 0; }
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            struct client *cl = &clients[i];
            if (cl->fd < 0 || !(fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t r = read(cl->fd, cl->buf + cl->len, LINE_MAX_LEN - cl->len);
            if (r <= 0) { close(cl->fd); cl->fd = -1; continue; }
            cl->len += r;
            char *nl;
            while ((nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
                *nl = 0;
                if (nl > cl->buf && nl[-1] == '\r') nl[-1] = 0;
                char reply[VALUE_MAX + 32];
                apply(cl->buf, reply, sizeof reply, 1);
                if (write(cl->fd, reply, strlen(reply)) < 0) break;
                size_t used = (nl - cl->buf) + 1;
                memmove(cl->buf, cl->buf + used, cl->len - used);
                cl->len -= used;
            }
            if (cl->len == LINE_MAX_LEN) {
                const char *e = "ERR line too long\n";
                if (write(cl->fd, e, strlen(e)) < 0) { /* closing anyway */ }
                close(cl->fd);
                cl->fd = -1;
            }
        }
    }
}
