package io.ftvm.node.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operations API behind {@code /v1/} on ftd's admin endpoint (JSON in and out; errors are
 * {@code {"error": message, "code": CODE}} with a 4xx/5xx status). {@link AdminServer} authenticates the request
 * before it gets here.
 */
public interface AdminApi {
    /** JSON as the API writes it (stable field order, ISO-free: times are numbers). */
    ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Writes a streamed body (recordings). */
    @FunctionalInterface
    interface StreamBody {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A response: a status and either a body or a stream. */
    record Response(int status, String contentType, byte[] body, StreamBody stream) {
        public static Response json(int status, Object value) {
            try {
                return new Response(status, "application/json", JSON.writeValueAsBytes(value), null);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode a response", e);
            }
        }

        public static Response error(int status, String code, String message) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", message);
            m.put("code", code);
            return json(status, m);
        }

        public static Response stream(String contentType, StreamBody body) {
            return new Response(200, contentType, new byte[0], body);
        }
    }

    /**
     * Serves one request: {@code path} without the {@code /v1} prefix (e.g. {@code /vms/web-1}), the raw query
     * (or null) and the body (empty when none).
     */
    Response handle(String method, String path, String query, byte[] body);
}
