// Runs the @nestjs/swagger CLI plugin under ts-jest, so the app under test
// publishes the same OpenAPI document as the `nest build` output.
const plugin = require('@nestjs/swagger/plugin');
const options = require('../../nest-cli.json').compilerOptions.plugins[0].options;

module.exports = {
  name: 'nestjs-swagger-plugin',
  version: 1,
  factory: (compilerInstance) => plugin.before(options, compilerInstance.program),
};
