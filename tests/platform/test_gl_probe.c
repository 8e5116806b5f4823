/*
 * test_gl_probe.c - platform.gl_probe: the kiosk learns whether OpenGL is
 * emulated from a short-lived child (`minifab --gl-probe`), so Mesa's
 * emulation (libLLVM, swrast: ~70 MB) is never mapped into the kiosk where
 * it would not be used. Checked in a real X11 window on Xvfb (no GPU: its
 * OpenGL is llvmpipe) by reading the running kiosk's /proc/PID/maps;
 * skipped when Xvfb is not installed. The probe itself answers headless.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char bin[1024];

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_probe_answers(void **state)
{
    (void)state;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "SDL_VIDEODRIVER=dummy '%s' --gl-probe", bin);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[256] = "";
    assert_non_null(fgets(line, sizeof line, p));
    assert_int_equal(pclose(p), 0);
    assert_string_equal(line, "none\n"); /* the dummy driver has no accelerated renderer */
}

static pid_t spawn(char *const argv[], const char *display, const char *out)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (display)
            setenv("DISPLAY", display, 1);
        setenv("SDL_AUDIODRIVER", "dummy", 1);
        unsetenv("SDL_VIDEODRIVER");
        unsetenv("SDL_RENDER_DRIVER");
        int fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static int count_in_maps(pid_t pid, const char *const *names)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    while (fgets(line, sizeof line, f))
        for (const char *const *p = names; *p; p++)
            n += strstr(line, *p) != NULL;
    fclose(f);
    return n;
}

static void test_no_emulated_gl_in_kiosk(void **state)
{
    (void)state;
    if (system("command -v Xvfb >/dev/null 2>&1") != 0)
        skip();
    char display[16], sock[64];
    int num = 150 + (int)(getpid() % 500);
    snprintf(display, sizeof display, ":%d", num);
    snprintf(sock, sizeof sock, "/tmp/.X11-unix/X%d", num);
    char *xv[] = {"Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp", NULL};
    pid_t xpid = spawn(xv, NULL, NULL);
    struct stat st;
    for (int i = 0; i < 100 && stat(sock, &st) != 0; i++)
        sleep_ms(50);
    if (stat(sock, &st) != 0) {
        kill(xpid, SIGTERM);
        waitpid(xpid, NULL, 0);
        skip(); /* this machine cannot start Xvfb */
    }
    char script[] = "/tmp/mf_gl_probe_XXXXXX";
    int fd = mkstemp(script);
    assert_true(fd >= 0);
    const char text[] = "wait 4000\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char log[] = "/tmp/mf_gl_probe_log_XXXXXX";
    close(mkstemp(log));
    char data[] = "/tmp/mf_gl_probe_data_XXXXXX";
    assert_non_null(mkdtemp(data));
    char *kv[] = {bin,          "run", "--size",      "640x480", "--script", script,
                  "--data-dir", data,  "--log-level", "info",    NULL};
    pid_t kpid = spawn(kv, display, log);
    sleep_ms(2500); /* started, drawing, waiting in its script */
    static const char *const emulated[] = {"libLLVM", "swrast", "llvmpipe", "libGLX_mesa", NULL};
    int n = count_in_maps(kpid, emulated);
    int status = 0;
    waitpid(kpid, &status, 0);
    kill(xpid, SIGTERM);
    waitpid(xpid, NULL, 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "grep -q 'software renderer' %s", log);
    int software = system(cmd);
    unlink(script);
    unlink(log);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(n, 0);        /* OpenGL's emulation never loaded here */
    assert_int_equal(software, 0); /* and the software renderer was chosen */
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    const char *dir = getenv("MINIFAB_BIN_DIR");
    snprintf(bin, sizeof bin, "%s/minifab", dir ? dir : "build/bin");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_answers),
        cmocka_unit_test(test_no_emulated_gl_in_kiosk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
