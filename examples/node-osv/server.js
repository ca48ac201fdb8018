const http = require('http');
http.createServer((req, res) => res.end(`Hello from node ${process.version} on OSv\n`)).listen(8080, () => console.log('listening on 8080'));
