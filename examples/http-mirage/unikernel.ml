(* A MirageOS HTTP responder on the stack unik declares (stackv4v6 over the virtio NIC). *)
open Lwt.Infix

module Main (S : Tcpip.Stack.V4V6) = struct
  let body = "Hello from MirageOS over HTTP\n"

  let response =
    Printf.sprintf "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
      (String.length body) body

  let start stack =
    S.TCP.listen (S.tcp stack) ~port:8080 (fun flow ->
        (* Read the request (one segment is enough for a GET), answer, close. *)
        S.TCP.read flow >>= fun _ ->
        S.TCP.write flow (Cstruct.of_string response) >>= fun _ -> S.TCP.close flow);
    Printf.printf "http-mirage listening on 8080\n%!";
    S.listen stack
end
