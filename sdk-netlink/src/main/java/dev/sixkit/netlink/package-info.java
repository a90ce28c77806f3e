/**
 * rtnetlink in pure Java (jnr-ffi, no {@code ip} process): links, addresses, routes, neighbour and
 * NDP proxy entries, per-namespace sysctls, sockets (sock_diag), named network namespaces and change
 * events. Start at {@link dev.sixkit.netlink.Netlink#open(String)}: a client bound to one namespace
 * whose families ({@code links()}, {@code routes()}, {@code neighbours()}...) list with immutable
 * queries and write with immutable builders ending in {@code add()}, {@code replace()} or
 * {@code delete()}.
 *
 * <p>Every refusal is a {@link dev.sixkit.netlink.NetlinkException} naming the operation and the
 * object, with the errno and the kernel's extended-ACK text. Sixkit marks its own routes and proxy
 * entries with protocol {@link dev.sixkit.netlink.Protocols#SIXKIT}.
 */
package dev.sixkit.netlink;
