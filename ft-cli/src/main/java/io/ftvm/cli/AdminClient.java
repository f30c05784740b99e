package io.ftvm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ftvm.replication.ClientTls;
import io.ftvm.replication.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ftd's admin API over HTTP or HTTPS (with the cluster CA), as ftctl uses it: every request goes to the first endpoint that answers (any ftd of the
 * cluster serves the cluster-wide routes); errors become {@link CliException}s with the right exit code and a
 * message that names the problem — the API's own error message, a refused token, or every endpoint tried and why
 * it could not be reached.
 */
public final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> endpoints;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final ClientTls tls;
    private final String scheme;

    /** A client of {@code endpoints}; with {@code tls} (may be null: plain HTTP) over HTTPS. */
    public AdminClient(List<String> endpoints, String token, Duration timeout, ClientTls tls) {
        if (endpoints.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no admin endpoint given: use --endpoint HOST:PORT (or "
                    + "FTCTL_ENDPOINT)");
        }
        this.endpoints = List.copyOf(endpoints);
        this.token = token;
        this.timeout = timeout;
        this.tls = tls;
        this.scheme = tls == null ? "http://" : "https://";
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        if (tls != null) {
            try {
                b.sslContext(tls.jdkContext());
            } catch (TlsConfig.TlsConfigException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        this.http = b.build();
    }

    /** VM ids are znode names; checked before they go into a URL (so they need no encoding). */
    private static final java.util.regex.Pattern VM_ID = java.util.regex.Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** {@code vm}, checked to be a VM id. */
    public static String vmId(String vm) {
        if (vm == null || !VM_ID.matcher(vm).matches()) {
            throw new CliException(ExitCodes.USAGE, "'" + vm + "' is not a VM id: 1-128 letters, digits, '.', '_' or "
                    + "'-', starting with a letter or digit");
        }
        return vm;
    }

    public JsonNode get(String path) {
        return json(send("GET", path, null));
    }

    public JsonNode post(String path, Object body) {
        return json(send("POST", path, body));
    }

    public JsonNode delete(String path) {
        return json(send("DELETE", path, null));
    }

    /** A request to one particular host's admin endpoint (this host's part of a VM: figures, drills). */
    public JsonNode onHost(String adminAddress, String method, String path, Object body) {
        return json(send(List.of(adminAddress), method, path, body, HttpResponse.BodyHandlers.ofInputStream()));
    }

    /** This client with another per-request timeout (a drill's crash request may wait for the host's reconcile). */
    public AdminClient withTimeout(Duration t) {
        return new AdminClient(endpoints, token, t, tls);
    }

    /** Streams a response body (a recording) into {@code out}; returns the bytes written. */
    public long download(String adminAddress, String path, OutputStream out) {
        HttpResponse<InputStream> r = send(List.of(adminAddress), "GET", path, null,
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the download from " + adminAddress + " broke off: "
                    + e.getMessage(), e);
        }
    }

    private HttpResponse<InputStream> send(String method, String path, Object body) {
        return send(endpoints, method, path, body, HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpResponse<InputStream> send(List<String> targets, String method, String path, Object body,
            HttpResponse.BodyHandler<InputStream> handler) {
        byte[] payload;
        try {
            payload = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> failures = new ArrayList<>();
        for (String endpoint : targets) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(endpoint, path)).timeout(timeout)
                    .header("Authorization", "Bearer " + token)
                    .method(method, payload.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(payload));
            if (payload.length > 0) {
                b.header("Content-Type", "application/json");
            }
            HttpResponse<InputStream> r;
            boolean safe = method.equals("GET"); // a change is sent on only when it cannot have arrived
            try {
                r = http.send(b.build(), handler);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                failures.add(endpoint + " (" + describe(e) + ")");
                continue;
            } catch (javax.net.ssl.SSLException e) { // nothing was sent: the handshake comes first
                failures.add(endpoint + " (TLS handshake failed: " + describe(e) + "; is the endpoint plain HTTP "
                        + "(then drop --ca-file), or --ca-file not the cluster's CA, or HOST not named in its "
                        + "certificate?)");
                continue;
            } catch (HttpTimeoutException e) {
                if (!safe) {
                    throw new CliException(ExitCodes.FAILED, method + " " + path + " sent to " + endpoint
                            + " got no answer within " + timeout.toMillis() + " ms: it may or may not have been "
                            + "done; check with 'ftctl status' before trying again");
                }
                failures.add(endpoint + " (no answer within " + timeout.toMillis() + " ms)");
                continue;
            } catch (IOException e) {
                if (!safe) {
                    throw new CliException(ExitCodes.FAILED, method + " " + path + " sent to " + endpoint
                            + " broke off (" + describe(e) + "): it may or may not have been done; check with "
                            + "'ftctl status' before trying again");
                }
                failures.add(endpoint + " (" + describe(e) + ")");
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILED, "interrupted");
            }
            if (r.statusCode() / 100 == 2) {
                return r;
            }
            CliException error = apiError(endpoint, r);
            if (r.statusCode() == 503 && error instanceof ApiException) {
                failures.add(endpoint + " (" + error.getMessage() + ")"); // not acted on: another host may answer
                continue;
            }
            throw error;
        }
        throw new CliException(ExitCodes.UNREACHABLE, "cannot reach the cluster's admin API: tried "
                + String.join(", ", failures));
    }

    private URI uri(String endpoint, String path) {
        try {
            return URI.create(scheme + endpoint + "/v1" + path);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "bad admin endpoint '" + endpoint + "': " + e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static CliException apiError(String endpoint, HttpResponse<InputStream> r) {
        String message;
        String code = "";
        try (InputStream in = r.body()) {
            byte[] raw = in.readNBytes(64 << 10);
            JsonNode n = JSON.readTree(raw);
            message = n != null && n.hasNonNull("error") ? n.get("error").asText() : new String(raw);
            code = n != null && n.hasNonNull("code") ? n.get("code").asText() : "";
        } catch (IOException e) {
            message = "HTTP " + r.statusCode();
        }
        if (r.statusCode() == 401) {
            return new CliException(ExitCodes.UNAUTHORIZED, "the admin endpoint " + endpoint
                    + " refused the token (check --token-file / FTCTL_TOKEN_FILE)");
        }
        return new ApiException(r.statusCode(), code, message,
                r.statusCode() == 400 ? ExitCodes.USAGE : ExitCodes.FAILED);
    }

    private static JsonNode json(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the admin API sent a response that is not JSON: "
                    + e.getMessage(), e);
        }
    }

    /** The admin API answered with an error. */
    public static final class ApiException extends CliException {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        ApiException(int status, String code, String message, int exitCode) {
            super(exitCode, message);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }
    }
}
