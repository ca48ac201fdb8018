# unik-runtime's terminal for `-t` (process.terminal): make a pty, send its master to the engine over
# --console-socket (SCM_RIGHTS, which node cannot send), make the slave this process's controlling terminal and
# stdio, and exec the container's process (the monitor) on it. Usage: console.py SOCKET COMMAND [ARGS...]
import fcntl
import os
import socket
import sys
import termios

master, slave = os.openpty()
with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
    s.connect(sys.argv[1])
    # runc sends the terminal's name with the fd; conmon and containerd's shim take the fd.
    socket.send_fds(s, [os.ttyname(slave).encode()], [master])
os.close(master)
os.setsid()
fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
for fd in (0, 1, 2):
    os.dup2(slave, fd)
if slave > 2:
    os.close(slave)
os.execvp(sys.argv[2], sys.argv[2:])
