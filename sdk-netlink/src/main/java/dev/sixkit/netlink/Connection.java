package dev.sixkit.netlink;

import dev.sixkit.netlink.internal.Message;
import dev.sixkit.netlink.internal.MessageWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The transport the families ({@link Links}, {@link Addresses}, {@link Routes},
 * {@link Neighbours}) talk to: one rtnetlink request and its answers at a time. The real one is
 * the netlink socket a {@link Netlink} opens in its namespace; tests build a {@link Netlink} over
 * a fake with {@link Netlink#over(Connection)} (the sdk-netlink test jar has one that replays
 * captured kernel answers and counts requests by message type).
 *
 * <p>The messages are {@code dev.sixkit.netlink.internal} types: this is a service interface for
 * transports and tests, not an API for building requests. A negative answer becomes a
 * {@link NetlinkException} naming {@code op} and {@code object} with the kernel's extended-ACK
 * text ({@link NetlinkException#fromKernel}).
 *
 * <p>Implementations must be thread-safe (the real one serialises requests).
 */
public interface Connection extends AutoCloseable {
  /**
   * Sends a request that the kernel acknowledges (NLM_F_ACK is added) and waits for the answer;
   * messages answering it other than the ACK (the reply to a GET) go to {@code replies}, which
   * may be null. A message is valid only while {@code replies} runs.
   *
   * @param request the message, without NLM_F_ACK
   * @param op what is done, for error messages ("add route")
   * @param object what it is done to, for error messages ("2001:db8::/64 dev eth0")
   * @param replies gets each reply message, or null to drop them
   * @throws NetlinkException when the kernel refuses the request (errno and extended ACK text)
   */
  void request(MessageWriter request, String op, String object, Consumer<Message> replies);

  /**
   * Runs a dump (NLM_F_DUMP is added) and returns every decoded object; {@code decoder} returns
   * null to skip a message.
   *
   * @param <T> the decoded type
   * @param request the GET message, without NLM_F_DUMP
   * @param op what is listed, for error messages
   * @param object what it is listed in, for error messages
   * @param decoder turns one message into an object, or null to skip it
   * @return the decoded objects in the kernel's order
   * @throws NetlinkException when the kernel refuses the dump
   */
  <T> List<T> dump(MessageWriter request, String op, String object, Function<Message, T> decoder);

  /**
   * {@link #request} that keeps the decoded replies ({@code decoder} returns null to skip one).
   *
   * @param <T> the decoded type
   * @param request the message, without NLM_F_ACK
   * @param op what is done, for error messages
   * @param object what it is done to, for error messages
   * @param decoder turns one reply into an object, or null to skip it
   * @return the decoded replies in the kernel's order
   * @throws NetlinkException when the kernel refuses the request
   */
  default <T> List<T> requestReplies(MessageWriter request, String op, String object, Function<Message, T> decoder) {
    List<T> out = new ArrayList<>();
    request(request, op, object, m -> {
      T t = decoder.apply(m);
      if (t != null) {
        out.add(t);
      }
    });
    return out;
  }

  /** Releases the transport; requests afterwards fail. */
  @Override
  void close();
}
