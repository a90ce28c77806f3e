package dev.sixkit.netlink.internal;

import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls netlink needs, bound through jnr-ffi. Direct buffers are passed as their
 * address plus their position, so callers keep positions at zero or use absolute offsets.
 *
 * <p>Not API. Thread-safe: the binding is stateless; errno is per calling thread.
 */
public interface LibC {
  int AF_NETLINK = 16;
  int SOCK_RAW = 3;
  int SOCK_DGRAM = 2;
  int SOCK_CLOEXEC = 0x80000;
  int NETLINK_ROUTE = 0;
  int NETLINK_SOCK_DIAG = 4;
  int SOL_SOCKET = 1;
  int SO_SNDBUF = 7;
  int SO_RCVBUF = 8;
  int SO_RCVBUFFORCE = 33;
  int SO_RCVTIMEO = 20;
  int SOL_NETLINK = 270;
  int NETLINK_ADD_MEMBERSHIP = 1;
  int NETLINK_DROP_MEMBERSHIP = 2;
  int NETLINK_NO_ENOBUFS = 5;
  int NETLINK_CAP_ACK = 10;
  int NETLINK_EXT_ACK = 11;
  int NETLINK_GET_STRICT_CHK = 12;
  int MSG_PEEK = 0x2;
  int MSG_TRUNC = 0x20;
  int MSG_DONTWAIT = 0x40;
  int CLONE_NEWNET = 0x40000000;
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_CREAT = 0100;
  int O_EXCL = 0200;
  int O_CLOEXEC = 02000000;
  long MS_BIND = 4096;
  long MS_REC = 16384;
  long MS_SHARED = 1 << 20;
  int MNT_DETACH = 2;
  int EINTR = 4;
  int EAGAIN = 11;

  int socket(int domain, int type, int protocol);

  int bind(int fd, @In ByteBuffer addr, int addrlen);

  int getsockname(int fd, @Out ByteBuffer addr, @In @Out ByteBuffer addrlen);

  @ssize_t long send(int fd, @In ByteBuffer buf, @size_t long len, int flags);

  @ssize_t long recv(int fd, @Out ByteBuffer buf, @size_t long len, int flags);

  int setsockopt(int fd, int level, int optname, @In ByteBuffer optval, int optlen);

  int setns(int fd, int nstype);

  int unshare(int flags);

  int open(String path, int flags, int mode);

  int close(int fd);

  int mount(String source, String target, String fstype, long flags, String data);

  int umount2(String target, int flags);

  int gettid();

  String strerror(int errnum);

  /** The loaded binding; immutable once loaded. */
  final class Holder {
    public static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    public static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Holder() {}

    /** errno of the last call made by this thread. */
    public static int errno() {
      return RUNTIME.getLastError();
    }
  }
}
