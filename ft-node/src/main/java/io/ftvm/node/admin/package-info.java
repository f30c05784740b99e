/** ftd's admin endpoint: health and Prometheus metrics over HTTP, behind a bearer token. */
package io.ftvm.node.admin;
