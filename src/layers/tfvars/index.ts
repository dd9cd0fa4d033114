export {findSyntaxError, type SyntaxProblem} from './hcl-scanner.js'
export {parseHclText, type ParseOptions, parseTfvarsFile, tfvarsCacheDir} from './parse-file.js'
export {type HclParser, loadHclParser, type ParserLoader} from './parser-loader.js'
