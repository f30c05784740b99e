package io.ftvm.node.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test {@link AdminApi}: {@code /echo} answers with what it got, {@code /stream/N} streams N bytes (byte i is
 * {@code i % 251}), {@code /slow} waits until {@link #release} (at most 30 s).
 */
final class EchoApi implements AdminApi {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch slowEntered = new CountDownLatch(1);

    @Override
    public Response handle(String method, String path, String query, byte[] body) {
        if (path.startsWith("/stream/")) {
            int n = Integer.parseInt(path.substring("/stream/".length()));
            return Response.stream("application/octet-stream", out -> {
                for (int i = 0; i < n; i++) {
                    out.write(i % 251);
                }
            });
        }
        if (path.equals("/slow")) {
            slowEntered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("path", path);
        m.put("query", query);
        m.put("bodyBytes", body.length);
        return Response.json(200, m);
    }
}
