import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';

@ApiExcludeController()
@Controller()
export class SiteWebController {
  @Get()
  @Render('site/home')
  home() {
    return { title: 'Prize challenges' };
  }
}
